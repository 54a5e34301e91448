package org.repro4j.models.transformer;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.repro4j.hooks.HookPoint;

/**
 * A block built from transformer {@link Parts}: it registers the parameters and hook points its blocks create under
 * their TransformerLens names, in creation order (which is initialisation order and save order). The language model
 * and the encoder share it.
 */
abstract class PartsBlock extends AbstractBlock {

    /** Parameters by name, in creation order. */
    final Map<String, Parameter> parameters = new LinkedHashMap<>();
    /** Hook points' shape families by name, in forward order. */
    final Map<String, Parts.HookShape> hookShapes = new LinkedHashMap<>();

    private final TransformerConfig config;

    PartsBlock(byte version, TransformerConfig config) {
        super(version);
        this.config = config;
    }

    /** @return the factory the blocks create their parameters and hook points with; gains are {@code [dModel]} */
    final Parts parts(int dModel) {
        return new Parts() {
            @Override
            public Parameter weight(String name, Initializer init, long... shape) {
                return register(name, Parameter.Type.WEIGHT, init, new Shape(shape));
            }

            @Override
            public Parameter bias(String name, long... shape) {
                return register(name, Parameter.Type.BIAS, Initializer.ZEROS, new Shape(shape));
            }

            @Override
            public Parameter gain(String name) {
                return register(name, Parameter.Type.GAMMA, Initializer.ONES, new Shape(dModel));
            }

            @Override
            public HookPoint hook(String name, Parts.HookShape shape) {
                hookShapes.put(name, shape);
                return addChildBlock(name, new HookPoint(name));
            }
        };
    }

    private Parameter register(String name, Parameter.Type type, Initializer init, Shape shape) {
        Parameter parameter = addParameter(
                Parameter.builder().setName(name).setType(type).optInitializer(init).optShape(shape).build());
        parameters.put(name, parameter);
        return parameter;
    }

    /** @throws NoSuchElementException listing the valid names if there is no such parameter */
    final Parameter requireParameter(String name) {
        Parameter parameter = parameters.get(name);
        if (parameter == null) {
            throw new NoSuchElementException("no parameter '" + name + "' in this model; its parameters are "
                    + parameters.keySet());
        }
        return parameter;
    }

    /** @return the names of this model's hook points, in forward order (see the model's class comment) */
    public List<String> hookNames() {
        return List.copyOf(hookShapes.keySet());
    }

    /**
     * The shape of a hook point's activation for a given input.
     *
     * @param hookName a name from {@link #hookNames()}
     * @param batch batch size of the input tokens
     * @param seq sequence length of the input tokens
     * @return e.g. {@code [batch, seq, d_model]} for the residual stream, {@code [batch, n_heads, seq, seq]} for
     *     attention patterns
     * @throws NoSuchElementException if the model has no such hook point
     */
    public Shape hookShape(String hookName, long batch, long seq) {
        Parts.HookShape shape = hookShapes.get(hookName);
        if (shape == null) {
            throw new NoSuchElementException("no hook point '" + hookName + "' in this model; its hook points are "
                    + hookShapes.keySet());
        }
        return switch (shape) {
            case RESID -> new Shape(batch, seq, config.dModel());
            case HEAD -> new Shape(batch, seq, config.nHeads(), config.dHead());
            case PATTERN -> new Shape(batch, config.nHeads(), seq, seq);
            case HEAD_RESID -> new Shape(batch, seq, config.nHeads(), config.dModel());
            case MLP -> new Shape(batch, seq, config.dMlp());
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        long seq = inputShapes[0].get(1);
        for (HookPoint point : getChildren().values().stream().map(HookPoint.class::cast).toList()) {
            point.initialize(manager, dataType, hookShape(point.hookName(), batch, seq));
        }
    }

    /**
     * @param tokens ids {@code [b, s]}
     * @param embedding {@code W_E [V, d]} as the pass reads it
     * @return the rows of {@code embedding}, {@code [b, s, d]}
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    final NDArray embed(NDArray tokens, NDArray embedding) {
        try {
            return tokens.getNDArrayInternal().embedding(tokens, embedding, SparseFormat.DENSE).singletonOrThrow();
        } catch (EngineException e) {
            // the engine checks the range anyway; only a failing batch pays for finding the culprit
            throw new IllegalArgumentException("token ids must be in [0, " + config.vocabSize() + "), got values from "
                    + tokens.min().toType(DataType.INT64, false).getLong() + " to "
                    + tokens.max().toType(DataType.INT64, false).getLong()
                    + "; map unknown words to an <unk> id of the vocabulary", e);
        }
    }

    /** @throws IllegalArgumentException if {@code tokens} are not integer ids {@code [batch, seq ≤ context]} */
    final void requireTokenIds(NDArray tokens, String what) {
        Shape shape = tokens.getShape();
        if (!tokens.getDataType().isInteger()) {
            throw new IllegalArgumentException(what + " must be integer token ids (INT32 or INT64), got "
                    + tokens.getDataType() + "; create them with manager.create(int[] ids, new Shape(batch, seq))");
        }
        if (shape.dimension() != 2 || shape.get(0) < 1 || shape.get(1) < 1) {
            throw new IllegalArgumentException(what + " must have shape [batch, seq] with batch, seq ≥ 1, got " + shape);
        }
        if (shape.get(1) > config.context()) {
            throw new IllegalArgumentException(what + " have " + shape.get(1) + " positions but the model's context is "
                    + config.context() + "; cut the sequences to at most " + config.context() + " tokens");
        }
    }
}
