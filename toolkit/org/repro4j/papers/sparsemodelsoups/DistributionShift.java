package org.repro4j.papers.sparsemodelsoups;

import java.util.SplittableRandom;
import org.repro4j.data.LabeledImages;

/**
 * Out-of-distribution versions of a test set, for the OOD comparison of Sparse Model Soups (Zimmer, Spiegel &amp;
 * Pokutta, ICLR 2024, arXiv 2306.16788: soups are also compared on corrupted test data; the authors' code loads
 * CIFAR-10-C with the Gaussian-noise corruption at severity 3 by default, {@code config.py}). Fashion-MNIST has no
 * published corrupted counterpart, so the toy builds two shifts of its own: additive Gaussian pixel noise (the
 * analogue of that corruption) and a fixed rotation (a geometric shift the training data never shows). Both return
 * 8-bit images, as the clean set, so every model reads them through the same {@link LabeledImages#imagesArray}
 * path.
 */
public final class DistributionShift {

    private DistributionShift() {}

    /**
     * Adds independent Gaussian noise to every pixel: {@code x' = clip(x + ε, 0, 1)}, {@code ε ~ N(0, σ²)}, with
     * {@code x} in [0, 1], then rounds to the nearest of the 256 grey levels.
     *
     * @param images the clean images {@code [n, h, w]}
     * @param sigma the noise's standard deviation in units of the pixel range [0, 1], e.g. 0.3; ≥ 0
     * @param seed seed of the noise
     * @return the noisy images, same labels and order
     * @throws IllegalArgumentException if {@code sigma} is negative or not finite
     */
    public static LabeledImages gaussianNoise(LabeledImages images, double sigma, long seed) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("the noise's standard deviation must be finite and ≥ 0, got " + sigma);
        }
        byte[] pixels = images.rawPixels();
        SplittableRandom random = new SplittableRandom(seed);
        for (int k = 0; k < pixels.length; k++) {
            double x = (pixels[k] & 0xFF) / 255.0 + sigma * gaussian(random);
            pixels[k] = toByte(x);
        }
        return LabeledImages.of(pixels, images.labels(), images.height(), images.width(), images.classNames());
    }

    /**
     * Rotates every image about its centre by a fixed angle, with bilinear interpolation; pixels that come from
     * outside the image are 0 (the black background of Fashion-MNIST).
     *
     * @param images the clean images {@code [n, h, w]}
     * @param degrees the angle in degrees, counter-clockwise on the displayed image (row 0 at the top)
     * @return the rotated images, same labels and order; {@code degrees = 0} returns the images unchanged
     */
    public static LabeledImages rotated(LabeledImages images, double degrees) {
        int h = images.height();
        int w = images.width();
        byte[] in = images.rawPixels();
        byte[] out = new byte[in.length];
        double cos = Math.cos(Math.toRadians(degrees));
        double sin = Math.sin(Math.toRadians(degrees));
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        for (int image = 0; image < images.size(); image++) {
            int base = image * h * w;
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    // the source of output pixel (r, c): the inverse rotation, in x-right / y-up coordinates
                    double x = c - cx;
                    double y = cy - r;
                    double sx = cos * x + sin * y;
                    double sy = -sin * x + cos * y;
                    out[base + r * w + c] = toByte(bilinear(in, base, h, w, cy - sy, sx + cx) / 255.0);
                }
            }
        }
        return LabeledImages.of(out, images.labels(), h, w, images.classNames());
    }

    /** Bilinear interpolation of an 8-bit image at fractional (row, col); 0 outside. */
    private static double bilinear(byte[] pixels, int base, int h, int w, double row, double col) {
        int r0 = (int) Math.floor(row);
        int c0 = (int) Math.floor(col);
        double fr = row - r0;
        double fc = col - c0;
        double top = (1 - fc) * pixel(pixels, base, h, w, r0, c0) + fc * pixel(pixels, base, h, w, r0, c0 + 1);
        double bottom = (1 - fc) * pixel(pixels, base, h, w, r0 + 1, c0)
                + fc * pixel(pixels, base, h, w, r0 + 1, c0 + 1);
        return (1 - fr) * top + fr * bottom;
    }

    private static int pixel(byte[] pixels, int base, int h, int w, int r, int c) {
        return r < 0 || r >= h || c < 0 || c >= w ? 0 : pixels[base + r * w + c] & 0xFF;
    }

    /** A value in [0, 1] (clipped) as the nearest 8-bit grey level. */
    private static byte toByte(double x) {
        return (byte) Math.round(255 * Math.min(1, Math.max(0, x)));
    }

    /** A standard normal draw (Box–Muller; one of the pair is enough here). */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();   // (0, 1], so the log is finite
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
