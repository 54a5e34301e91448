package org.repro4j.earlyexit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.repro4j.models.Init;

/**
 * PALBERT's "Lambda" module: the halting logit of step {@code i} from the step's pooled state and the previous
 * step's, {@code z_i = Λ([s_i ; s_{i−1}])}, {@code λ_i = σ(z_i)} — an MLP of {@code depth} tanh layers of width
 * {@code 2·d} and a linear read-out to one logit (Balagansky &amp; Gavrilov, 2022, "PALBERT: Teaching ALBERT to
 * Ponder", NeurIPS, arXiv 2204.03276; the released code's {@code linear_cat} Lambda layer, trained there with 3
 * layers). Reading the previous state lets the module see how much the representation still changes.
 *
 * <p>Input {@code NDList(x [batch, 2·d])} with {@code x = [s_i ; s_{i−1}]}; output {@code NDList(z [batch])}.
 * Weights start N(0, 0.02²), biases 0, drawn from the seed.
 */
public final class LambdaLayer extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final float INIT_STD = 0.02f;

    private final int inputWidth;
    private final List<Parameter[]> hidden = new ArrayList<>();
    private final Parameter outW;
    private final Parameter outB;

    /**
     * @param inputWidth width of the concatenated states, {@code 2·d}
     * @param depth tanh layers before the read-out, ≥ 0 (0 = a linear halting unit, as PonderNet's)
     * @param init generator the weights are drawn from (at initialisation, in creation order)
     * @throws IllegalArgumentException if a size is not positive or {@code depth < 0}
     */
    public LambdaLayer(int inputWidth, int depth, Random init) {
        super(VERSION);
        if (inputWidth < 1 || depth < 0) {
            throw new IllegalArgumentException("the Lambda module needs inputWidth ≥ 1 and depth ≥ 0, got "
                    + inputWidth + " and " + depth);
        }
        this.inputWidth = inputWidth;
        Initializer normal = Init.normal(init, INIT_STD);
        for (int k = 0; k < depth; k++) {
            hidden.add(new Parameter[] {
                parameter("hidden." + k + ".W", Parameter.Type.WEIGHT, normal, inputWidth, inputWidth),
                parameter("hidden." + k + ".b", Parameter.Type.BIAS, Initializer.ZEROS, inputWidth)});
        }
        outW = parameter("out.W", Parameter.Type.WEIGHT, normal, inputWidth, 1);
        outB = parameter("out.b", Parameter.Type.BIAS, Initializer.ZEROS, 1);
    }

    private Parameter parameter(String name, Parameter.Type type, Initializer init, long... shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optInitializer(init)
                .optShape(new Shape(shape)).build());
    }

    /** @return the width of its input, {@code 2·d} */
    public int inputWidth() {
        return inputWidth;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                          // [b, 2d]
        for (Parameter[] layer : hidden) {
            x = x.matMul(value(store, layer[0], x, training)).add(value(store, layer[1], x, training)).tanh();
        }
        NDArray z = x.matMul(value(store, outW, x, training)).add(value(store, outB, x, training));  // [b, 1]
        return new NDList(z.squeeze(-1));
    }

    private static NDArray value(ParameterStore store, Parameter p, NDArray like, boolean training) {
        return store.getValue(p, like.getDevice(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0))};
    }
}
