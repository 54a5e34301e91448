package org.repro4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * An immutable set of grayscale images with integer class labels, such as a Fashion-MNIST split.
 *
 * <p>Pixels are stored as unsigned bytes (0–255, row-major {@code [n, height, width]}), a quarter of the memory of
 * floats; every accessor returns pixels as floats scaled to {@code [0, 1]} (value / 255). Variants that later
 * papers need (class subsets, relabelling, seeded subsets, label noise, occlusion, ...) are built cheaply with
 * {@link #select}, {@link #keepClasses}, {@link #remapLabels}, {@link #withLabels} or, for pixel edits,
 * {@link #rawPixels()} and {@link #of}.
 *
 * <p>Shapes use {@code n = size()}, {@code h = height()}, {@code w = width()}.
 */
public final class LabeledImages {

    /** How images are laid out in DJL arrays. */
    public enum Layout {
        /** {@code [n, h*w]}: one row per image, for MLPs and linear models. */
        FLAT,
        /** {@code [n, 1, h, w]}: one channel first, for convolutional networks. */
        CHANNELS_FIRST
    }

    private final byte[] pixels;
    private final int[] labels;
    private final int height;
    private final int width;
    private final List<String> classNames;

    private LabeledImages(byte[] pixels, int[] labels, int height, int width, List<String> classNames) {
        this.pixels = pixels;
        this.labels = labels;
        this.height = height;
        this.width = width;
        this.classNames = classNames;
    }

    /**
     * Builds a set from raw arrays (copied).
     *
     * @param pixels unsigned bytes, row-major {@code [n, height, width]}
     * @param labels class index per image, {@code [n]}, each in {@code [0, classNames.size())}
     * @param height image height in pixels
     * @param width image width in pixels
     * @param classNames name of each class, indexed by label
     * @return the image set
     * @throws IllegalArgumentException if the sizes disagree or a label is out of range
     */
    public static LabeledImages of(byte[] pixels, int[] labels, int height, int width, List<String> classNames) {
        return create(pixels.clone(), labels.clone(), height, width, List.copyOf(classNames));
    }

    /** Validates and wraps arrays the caller hands over (not copied). */
    static LabeledImages create(byte[] pixels, int[] labels, int height, int width, List<String> classNames) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        if ((long) labels.length * height * width != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + labels.length + "*" + height + "*"
                    + width + " pixels, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, "
                        + classNames.size() + "), the range given by " + classNames.size() + " class names");
            }
        }
        return new LabeledImages(pixels, labels, height, width, classNames);
    }

    /** @return number of images {@code n} */
    public int size() {
        return labels.length;
    }

    /** @return image height {@code h} in pixels */
    public int height() {
        return height;
    }

    /** @return image width {@code w} in pixels */
    public int width() {
        return width;
    }

    /** @return pixels per image, {@code h*w} */
    public int pixelsPerImage() {
        return height * width;
    }

    /** @return number of classes (labels are {@code 0 .. numClasses()-1}) */
    public int numClasses() {
        return classNames.size();
    }

    /** @return class names indexed by label */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * @param label a class index
     * @return its name
     * @throws IndexOutOfBoundsException if there is no such class
     */
    public String className(int label) {
        return classNames.get(label);
    }

    /**
     * @param i image index
     * @return its label
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, n)}
     */
    public int label(int i) {
        return labels[i];
    }

    /** @return labels, a copy, {@code [n]} */
    public int[] labels() {
        return labels.clone();
    }

    /** @return number of images per class, {@code [numClasses]} */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * @param i image index
     * @return the image's pixels in {@code [0, 1]}, row-major, {@code [h*w]}
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, n)}
     */
    public float[] image(int i) {
        float[] out = new float[pixelsPerImage()];
        copyScaled(i, 0, out, out.length);
        return out;
    }

    /** @return all pixels in {@code [0, 1]}, {@code [n, h*w]} */
    public float[][] flatImages() {
        float[][] out = new float[size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = image(i);
        }
        return out;
    }

    /** @return all pixels in {@code [0, 1]}, {@code [n, h, w]} */
    public float[][][] images() {
        float[][][] out = new float[size()][height][width];
        for (int i = 0; i < out.length; i++) {
            for (int r = 0; r < height; r++) {
                copyScaled(i, r * width, out[i][r], width);
            }
        }
        return out;
    }

    /** @return the raw unsigned pixel bytes (0–255 as {@code b & 0xFF}), a copy, row-major {@code [n, h, w]} */
    public byte[] rawPixels() {
        return pixels.clone();
    }

    private void copyScaled(int image, int offsetInImage, float[] out, int length) {
        int base = image * pixelsPerImage() + offsetInImage;
        for (int k = 0; k < length; k++) {
            out[k] = (pixels[base + k] & 0xFF) / 255f;
        }
    }

    /**
     * @param indices image indices to keep, in the order given (repeats allowed)
     * @return a new set of those images, {@code [indices.length, h, w]}, same classes
     * @throws IndexOutOfBoundsException if an index is not in {@code [0, n)}
     */
    public LabeledImages select(int... indices) {
        int p = pixelsPerImage();
        byte[] outPixels = new byte[indices.length * p];
        int[] outLabels = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            System.arraycopy(pixels, i * p, outPixels, k * p, p);
            outLabels[k] = labels[i];
        }
        return new LabeledImages(outPixels, outLabels, height, width, classNames);
    }

    /**
     * @param count number of images to draw without replacement
     * @param seed random seed; the same seed gives the same subset
     * @return a uniformly random subset in random order
     * @throws IllegalArgumentException if {@code count} is negative or larger than {@code n}
     */
    public LabeledImages subset(int count, long seed) {
        if (count < 0 || count > size()) {
            throw new IllegalArgumentException("cannot draw " + count + " of " + size() + " images");
        }
        return select(Arrays.copyOf(Permutation.random(size(), new Random(seed)), count));
    }

    /**
     * Splits off disjoint random parts, e.g. {@code randomSplit(seed, 55_000, 5_000)} for a training and a
     * validation set carved from the 60 000 Fashion-MNIST training images.
     *
     * @param seed random seed; the same seed gives the same parts
     * @param sizes number of images in each part; their sum must not exceed {@code n}
     * @return one set per size, no image in two of them, each in random order
     * @throws IllegalArgumentException if a size is negative or the sizes add up to more than {@code n}
     */
    public List<LabeledImages> randomSplit(long seed, int... sizes) {
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("part sizes must be non-negative, got " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total > size()) {
            throw new IllegalArgumentException("parts " + Arrays.toString(sizes) + " need " + total
                    + " images, only " + size() + " exist");
        }
        int[] order = Permutation.random(size(), new Random(seed));
        List<LabeledImages> parts = new ArrayList<>();
        int from = 0;
        for (int s : sizes) {
            parts.add(select(Arrays.copyOfRange(order, from, from + s)));
            from += s;
        }
        return parts;
    }

    /**
     * Draws the same number of images from every class, so small training sets stay class-balanced.
     *
     * @param perClass images to draw from each class
     * @param seed random seed; the same seed gives the same subset
     * @return {@code perClass * numClasses} images in random order
     * @throws IllegalArgumentException if some class has fewer than {@code perClass} images
     */
    public LabeledImages stratifiedSubset(int perClass, long seed) {
        int[] counts = classCounts();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < perClass || perClass < 0) {
                throw new IllegalArgumentException("cannot draw " + perClass + " images per class: class " + c
                        + " (" + className(c) + ") has " + counts[c]);
            }
        }
        Random random = new Random(seed);
        int[] taken = new int[numClasses()];
        int[] chosen = new int[perClass * numClasses()];
        int k = 0;
        for (int i : Permutation.random(size(), random)) {
            if (taken[labels[i]] < perClass) {
                taken[labels[i]]++;
                chosen[k++] = i;
            }
        }
        return select(chosen);
    }

    /**
     * Keeps only some classes and renumbers them {@code 0 .. classes.length-1} in the order given, e.g.
     * {@code keepClasses(0, 6)} for a T-shirt-vs-shirt task.
     *
     * @param classes class indices to keep, distinct
     * @return the images of those classes, in their original order, with new labels and class names
     * @throws IllegalArgumentException if a class is out of range or repeated
     */
    public LabeledImages keepClasses(int... classes) {
        int[] mapping = new int[numClasses()];
        Arrays.fill(mapping, -1);
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes.length; k++) {
            int c = classes[k];
            if (c < 0 || c >= numClasses() || mapping[c] >= 0) {
                throw new IllegalArgumentException("classes must be distinct and in [0, " + numClasses()
                        + "), got " + Arrays.toString(classes));
            }
            mapping[c] = k;
            names.add(className(c));
        }
        LabeledImages kept = select(IntStream.range(0, size()).filter(i -> mapping[labels[i]] >= 0).toArray());
        int[] newLabels = Arrays.stream(kept.labels).map(label -> mapping[label]).toArray();
        return create(kept.pixels, newLabels, height, width, List.copyOf(names));
    }

    /**
     * Relabels every image through a class mapping, e.g. to merge classes ({@code tops vs. shoes vs. rest}).
     *
     * @param mapping new label for each old label, {@code [numClasses]}
     * @param newClassNames names of the new classes, indexed by new label
     * @return the same images with labels {@code mapping[label]}
     * @throws IllegalArgumentException if {@code mapping} has the wrong length or maps outside the new classes
     */
    public LabeledImages remapLabels(int[] mapping, List<String> newClassNames) {
        if (mapping.length != numClasses()) {
            throw new IllegalArgumentException("mapping needs one entry per class (" + numClasses() + "), got "
                    + mapping.length);
        }
        int[] newLabels = new int[size()];
        for (int i = 0; i < newLabels.length; i++) {
            newLabels[i] = mapping[labels[i]];
        }
        return create(pixels, newLabels, height, width, List.copyOf(newClassNames));
    }

    /**
     * @param newLabels a label per image, {@code [n]}, in {@code [0, numClasses)} (for label-noise studies)
     * @return the same images with these labels
     * @throws IllegalArgumentException if the length differs from {@code n} or a label is out of range
     */
    public LabeledImages withLabels(int[] newLabels) {
        if (newLabels.length != size()) {
            throw new IllegalArgumentException("need " + size() + " labels, got " + newLabels.length);
        }
        return create(pixels, newLabels.clone(), height, width, classNames);
    }

    /**
     * @param manager owner of the new array
     * @param layout {@link Layout#FLAT} or {@link Layout#CHANNELS_FIRST}
     * @return pixels in {@code [0, 1]}, float32, {@code [n, h*w]} or {@code [n, 1, h, w]}
     */
    public NDArray imagesArray(NDManager manager, Layout layout) {
        Shape shape = layout == Layout.FLAT
                ? new Shape(size(), pixelsPerImage())
                : new Shape(size(), 1, height, width);
        try (NDArray bytes = manager.create(ByteBuffer.wrap(pixels), shape, DataType.UINT8)) {
            // Scaling in place avoids a second float copy (188 MB for the training set).
            return bytes.toType(DataType.FLOAT32, false).divi(255f);
        }
    }

    /**
     * @param manager owner of the new array
     * @return labels as class indices, int64, {@code [n]} (what DJL's softmax cross-entropy and accuracy accept)
     */
    public NDArray labelsArray(NDManager manager) {
        return manager.create(Arrays.stream(labels).asLongStream().toArray());
    }

    /**
     * A DJL dataset for training: a new seeded random order each epoch, last partial batch kept.
     *
     * @param manager owner of the dataset's arrays (close it to free them) and parent of each batch's manager
     * @param layout image layout of each batch: {@code [batch, h*w]} or {@code [batch, 1, h, w]}
     * @param batchSize images per batch
     * @param shuffleSeed seed of the sequence of epoch orders
     * @return batches with data {@code [images]} and labels {@code [int64 class indices, [batch]]}
     */
    public InMemoryBatches toDataset(NDManager manager, Layout layout, int batchSize, long shuffleSeed) {
        return InMemoryBatches.shuffled(imagesArray(manager, layout), labelsArray(manager), batchSize, shuffleSeed);
    }

    /**
     * A DJL dataset for evaluation: images in their stored order, last partial batch kept.
     *
     * @param manager owner of the dataset's arrays (close it to free them) and parent of each batch's manager
     * @param layout image layout of each batch: {@code [batch, h*w]} or {@code [batch, 1, h, w]}
     * @param batchSize images per batch
     * @return batches with data {@code [images]} and labels {@code [int64 class indices, [batch]]}
     */
    public InMemoryBatches toDataset(NDManager manager, Layout layout, int batchSize) {
        return InMemoryBatches.inOrder(imagesArray(manager, layout), labelsArray(manager), batchSize);
    }

    @Override
    public String toString() {
        return "LabeledImages[" + size() + " images " + height + "x" + width + ", " + numClasses() + " classes]";
    }
}
