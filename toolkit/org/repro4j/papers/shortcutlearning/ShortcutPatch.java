package org.repro4j.papers.shortcutlearning;

import java.util.Random;

/**
 * A Fashion-MNIST shortcut task whose availability is a pixel footprint: the synthetic-image idea of Hermann et al.,
 * "On the Foundations of Shortcut Learning", ICLR 2024 (arXiv 2310.16228), Fig. 4 (availability as object size),
 * in a form reconstructed for repro4j (package documentation; not the paper's images).
 *
 * <ul>
 *   <li><b>Core</b>: the garment group, g = +1 for upper-body garments {T-shirt/top 0, Pullover 2, Coat 4, Shirt 6},
 *       g = −1 for {Trouser 1, Sandal 5, Sneaker 7, Ankle boot 9}; Dress 3 and Bag 8 are dropped. In training sets
 *       the label y equals g with probability p_c (otherwise it is flipped), so the garment's predictivity is p_c.
 *   <li><b>Shortcut</b>: a bright (pixel value 1) k×k square that indicates s = y with probability p_s. Its
 *       position encodes s: top-left corner for s = +1, top-right corner for s = −1 (rows 0..k−1). Both classes
 *       thus get the same footprint k², so k changes only availability, never the amount of ink per class.
 *   <li><b>Conflict set</b>: unflipped labels (y = g) with the square contradicting the garment (s = −g). The
 *       Bayes rule follows the garment when p_c &gt; p_s; the fraction of predictions that follow the square
 *       ({@code ShortcutBias.followRate(logits, set.square())}) measures shortcut use.
 * </ul>
 *
 * Images are {@code float[n][784]}, row-major 28×28, pixel values in [0, 1] (the caller supplies Fashion-MNIST
 * arrays; inputs are copied, never modified). The label flips and square draws come from the seed.
 */
public final class ShortcutPatch {

    /** Image side in pixels. */
    public static final int SIDE = 28;

    /** Pixels per image, {@code SIDE * SIDE}. */
    public static final int PIXELS = SIDE * SIDE;

    private static final int MAX_SQUARE = SIDE / 2;

    /**
     * A patched image set.
     *
     * @param x images with the square painted in, shape [m, 784], values in [0, 1]
     * @param y labels in {−1, +1}, shape [m] (+1 = upper-body garment group, before flips)
     * @param garment the garment group g of each image, ±1, shape [m]
     * @param square the label s the square indicates (+1 top-left, −1 top-right), shape [m]
     * @param source index of each image in the input arrays, shape [m] (Dress and Bag images are skipped)
     */
    public record Images(float[][] x, float[] y, int[] garment, int[] square, int[] source) {

        /** @return the number of images m */
        public int size() {
            return y.length;
        }
    }

    private final int side;
    private final double pShortcut;
    private final double pCore;
    private final long seed;

    private ShortcutPatch(int side, double pShortcut, double pCore, long seed) {
        this.side = side;
        this.pShortcut = pShortcut;
        this.pCore = pCore;
        this.seed = seed;
    }

    /**
     * @param side the square's side k in pixels, 1 ≤ k ≤ 14 (the notebook uses 2, 4, 8): the availability knob
     * @param pShortcut p_s = P(s = y) in (0.5, 1] (notebook: 0.7)
     * @param pCore p_c = P(y = g) in (0.5, 1] (notebook: 0.8, i.e. a 20% label flip)
     * @param seed determines the label flips and the square draws
     * @return the task
     * @throws IllegalArgumentException if k or a predictivity is out of range
     */
    public static ShortcutPatch create(int side, double pShortcut, double pCore, long seed) {
        if (side < 1 || side > MAX_SQUARE) {
            throw new IllegalArgumentException("square side k = " + side + " must be between 1 and " + MAX_SQUARE
                    + " pixels so the two corner positions do not overlap; the notebook uses 2, 4 and 8");
        }
        requirePredictivity("shortcut predictivity p_s", pShortcut);
        requirePredictivity("core predictivity p_c", pCore);
        return new ShortcutPatch(side, pShortcut, pCore, seed);
    }

    private static void requirePredictivity(String name, double p) {
        if (!(p > 0.5 && p <= 1)) {
            throw new IllegalArgumentException(name + " = " + p + " must be in (0.5, 1]: the probability that the"
                    + " feature indicates the label; e.g. 0.7 for the square and 0.8 for the garment");
        }
    }

    /**
     * Builds a training (or same-distribution test) set: labels flipped with probability 1 − p_c, square agreeing
     * with the label with probability p_s. Calls with the same seed and inputs give the same set.
     *
     * @param images Fashion-MNIST images, shape [n, 784], values in [0, 1]
     * @param labels Fashion-MNIST class indices 0..9, shape [n]
     * @return the patched images of the eight kept classes
     * @throws IllegalArgumentException if the shapes, pixel range or labels are invalid
     */
    public Images training(float[][] images, int[] labels) {
        return build(images, labels, new Random(seed), false);
    }

    /**
     * Builds a conflict set: true labels y = g and the square on the opposite side, s = −g.
     *
     * @param images Fashion-MNIST images, shape [n, 784], values in [0, 1]
     * @param labels Fashion-MNIST class indices 0..9, shape [n]
     * @return the patched images of the eight kept classes
     * @throws IllegalArgumentException if the shapes, pixel range or labels are invalid
     */
    public Images conflict(float[][] images, int[] labels) {
        return build(images, labels, null, true);
    }

    /**
     * @param label a Fashion-MNIST class index 0..9
     * @return +1 for the upper-body garments (0, 2, 4, 6), −1 for trousers and footwear (1, 5, 7, 9), 0 for the
     *     dropped classes Dress (3) and Bag (8)
     */
    public static int garmentGroup(int label) {
        return switch (label) {
            case 0, 2, 4, 6 -> 1;
            case 1, 5, 7, 9 -> -1;
            default -> 0;
        };
    }

    /** @return the square's side k in pixels */
    public int side() {
        return side;
    }

    private Images build(float[][] images, int[] labels, Random random, boolean conflict) {
        validate(images, labels);
        int kept = 0;
        for (int label : labels) {
            kept += garmentGroup(label) != 0 ? 1 : 0;
        }
        if (kept == 0) {
            throw new IllegalArgumentException("none of the " + labels.length + " images is in the eight kept"
                    + " classes (0, 1, 2, 4, 5, 6, 7, 9); pass Fashion-MNIST images with their labels");
        }
        Images out = new Images(new float[kept][], new float[kept], new int[kept], new int[kept], new int[kept]);
        int m = 0;
        for (int i = 0; i < labels.length; i++) {
            int g = garmentGroup(labels[i]);
            if (g == 0) {
                continue;
            }
            int y;
            int s;
            if (conflict) {
                y = g;
                s = -g;
            } else {
                y = random.nextDouble() < pCore ? g : -g;
                s = random.nextDouble() < pShortcut ? y : -y;
            }
            out.x()[m] = paint(images[i], s);
            out.y()[m] = y;
            out.garment()[m] = g;
            out.square()[m] = s;
            out.source()[m] = i;
            m++;
        }
        return out;
    }

    private float[] paint(float[] image, int s) {
        float[] x = image.clone();
        int left = s > 0 ? 0 : SIDE - side;
        for (int row = 0; row < side; row++) {
            for (int col = left; col < left + side; col++) {
                x[row * SIDE + col] = 1f;
            }
        }
        return x;
    }

    private static void validate(float[][] images, int[] labels) {
        if (images.length != labels.length) {
            throw new IllegalArgumentException("got " + images.length + " images but " + labels.length
                    + " labels; pass one label per image");
        }
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != PIXELS) {
                throw new IllegalArgumentException("image " + i + " has " + images[i].length + " pixels; expected "
                        + PIXELS + " (28x28, row-major)");
            }
            for (float v : images[i]) {
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("image " + i + " has pixel value " + v + "; scale pixels to"
                            + " [0, 1] (divide bytes by 255) so the square's value 1 is the brightest");
                }
            }
            if (labels[i] < 0 || labels[i] > 9) {
                throw new IllegalArgumentException("label " + i + " is " + labels[i]
                        + "; Fashion-MNIST class indices are 0..9");
            }
        }
    }
}
