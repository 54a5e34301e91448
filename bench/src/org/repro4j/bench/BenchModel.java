package org.repro4j.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.SmallCnn;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;

/**
 * A freshly initialised benchmark model and the memory that holds its parameters; closing frees both.
 * The PyTorch peer ({@code bench/peer_torch.py}) builds the same architectures under the same names.
 *
 * <ul>
 *   <li>{@code mlp}: {@link Mlp} 784-256-256-10, ReLU; input {@code [batch, 784]}.
 *   <li>{@code mlp-tiny}: {@link Mlp} 20-64-10, ReLU, on the 20 middle pixels of image row 14
 *       ({@link BenchData#middleRow}): so little arithmetic that a step's time is the framework's fixed cost.
 *   <li>{@code cnn}: {@link SmallCnn} with batch norm and channels 16, 32; input {@code [batch, 784]} (reshaped to
 *       {@code [batch, 1, 28, 28]} by the model).
 *   <li>{@code lm-<L>L-d<d>}: {@link TinyTransformerLM} with L layers, d_model d, 4 heads of d/4, MLP 4d, context
 *       {@value #CONTEXT}, vocabulary {@value BenchData#VOCAB}, untied unembedding; input tokens {@code [batch, 64]}.
 * </ul>
 */
final class BenchModel implements AutoCloseable {

    static final int CONTEXT = 64;

    final String name;
    final Block block;
    private final Runnable release;

    private BenchModel(String name, Block block, Runnable release) {
        this.name = name;
        this.block = block;
        this.release = release;
    }

    /**
     * @param name {@code mlp}, {@code mlp-tiny}, {@code cnn} or {@code lm-<layers>L-d<d_model>}, e.g. {@code lm-2L-d64}
     * @param seed seed of the initial weights
     * @throws IllegalArgumentException for any other name
     */
    static BenchModel create(String name, long seed) {
        if (name.equals("mlp") || name.equals("mlp-tiny") || name.equals("cnn")) {
            NDManager manager = NDManager.newBaseManager();
            Block block = switch (name) {
                case "mlp" -> new Mlp(784, 2, 256, 10, Nonlinearity.RELU).initialize(manager, seed);
                case "mlp-tiny" -> new Mlp(BenchData.MIDDLE_PIXELS, 1, 64, 10, Nonlinearity.RELU).initialize(manager, seed);
                default -> new SmallCnn(10, true, 16, 32).initialize(manager, seed);
            };
            return new BenchModel(name, block, manager::close);
        }
        if (name.matches("lm-\\d+L-d\\d+")) {
            int layers = Integer.parseInt(name.substring(3, name.indexOf('L')));
            int d = Integer.parseInt(name.substring(name.indexOf("-d") + 2));
            TransformerConfig config = TransformerConfig.builder(BenchData.VOCAB)
                    .context(CONTEXT).dModel(d).nHeads(4).dHead(d / 4).nLayers(layers).dMlp(4 * d).build();
            TinyTransformerLM lm = TinyTransformerLM.create(config, seed);
            return new BenchModel(name, lm, lm::close);
        }
        throw new IllegalArgumentException("unknown benchmark model '" + name + "'; use mlp, mlp-tiny, cnn or lm-<L>L-d<d>");
    }

    boolean isLanguageModel() {
        return block instanceof TinyTransformerLM;
    }

    @Override
    public void close() {
        release.run();
    }
}
