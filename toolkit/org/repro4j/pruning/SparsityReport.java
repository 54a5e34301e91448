package org.repro4j.pruning;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightLayout;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Non-zeros and FLOPs of a (masked) model's maskable weights, counted on the weights as the forward pass sees them,
 * so a model running under {@link ParamMask#applyTo} reports its mask.
 *
 * <p><b>FLOPs convention.</b> Per example (per token for a language model), each weight's product costs 2 FLOPs per
 * multiply-add: dense {@code 2 · size · applications}, sparse {@code 2 · nonzeros · applications}, where
 * {@code applications} is 1 for a linear layer and the output pixels for a convolution
 * ({@link WeightLayout#applicationsPerExample()}): the dense count scaled by the layer's density, as sparse-training
 * papers count (e.g. Evci, Gale, Menick, Castro &amp; Elsen, 2020, "Rigging the Lottery", arXiv 1911.11134). Biases,
 * norms, activations, pooling and attention's score and value products are not counted: weight sparsity does not
 * change them.
 */
public final class SparsityReport {

    /**
     * One maskable weight.
     *
     * @param name parameter name
     * @param shape its shape
     * @param size number of weights
     * @param nonzeros weights that are not 0
     * @param denseFlops FLOPs per example with every weight
     * @param sparseFlops FLOPs per example with the non-zeros only
     */
    public record Layer(String name, Shape shape, long size, long nonzeros, long denseFlops, long sparseFlops) {
        /** @return the fraction of weights that are 0 */
        public double sparsity() {
            return 1 - (double) nonzeros / size;
        }
    }

    private final List<Layer> layers;

    private SparsityReport(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    /**
     * @param model a model
     * @return the counts of its maskable weights
     */
    public static SparsityReport of(Maskable model) {
        List<Layer> layers = new ArrayList<>();
        ParamMask support = ParamMask.support(model);
        for (String name : model.maskableParameterNames()) {
            WeightLayout layout = model.layout(name);
            long size = layout.shape().size();
            long nonzeros = support.kept(name);
            long uses = layout.applicationsPerExample();
            layers.add(new Layer(name, layout.shape(), size, nonzeros, 2 * size * uses, 2 * nonzeros * uses));
        }
        return new SparsityReport(layers);
    }

    /** @return one entry per maskable weight, in forward order */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * @param name a maskable parameter
     * @return its entry
     * @throws NoSuchElementException naming the parameters if there is no such one
     */
    public Layer layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no maskable weight '" + name + "'; the report has "
                        + layers.stream().map(Layer::name).toList()));
    }

    /** @return total number of maskable weights */
    public long size() {
        return layers.stream().mapToLong(Layer::size).sum();
    }

    /** @return total non-zero maskable weights */
    public long nonzeros() {
        return layers.stream().mapToLong(Layer::nonzeros).sum();
    }

    /** @return the fraction of maskable weights that are 0 */
    public double sparsity() {
        return 1 - (double) nonzeros() / size();
    }

    /** @return FLOPs per example of the dense weights */
    public long denseFlops() {
        return layers.stream().mapToLong(Layer::denseFlops).sum();
    }

    /** @return FLOPs per example of the non-zero weights */
    public long sparseFlops() {
        return layers.stream().mapToLong(Layer::sparseFlops).sum();
    }

    /**
     * @return columns {@code parameter}, {@code shape}, {@code size}, {@code nonzeros}, {@code sparsity},
     *     {@code dense_flops}, {@code sparse_flops}; one row per maskable weight and a last row {@code total}
     */
    public Table table() {
        StringColumn parameter = StringColumn.create("parameter");
        StringColumn shape = StringColumn.create("shape");
        LongColumn size = LongColumn.create("size");
        LongColumn nonzeros = LongColumn.create("nonzeros");
        DoubleColumn sparsity = DoubleColumn.create("sparsity");
        LongColumn dense = LongColumn.create("dense_flops");
        LongColumn sparse = LongColumn.create("sparse_flops");
        List<Layer> rows = new ArrayList<>(layers);
        rows.add(new Layer("total", new Shape(size()), size(), nonzeros(), denseFlops(), sparseFlops()));
        for (Layer l : rows) {
            parameter.append(l.name());
            shape.append(l.name().equals("total") ? "" : l.shape().toString());
            size.append(l.size());
            nonzeros.append(l.nonzeros());
            sparsity.append(l.sparsity());
            dense.append(l.denseFlops());
            sparse.append(l.sparseFlops());
        }
        return Table.create("sparsity", parameter, shape, size, nonzeros, sparsity, dense, sparse);
    }
}
