package org.repro4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of every parameter of a model, on the Java heap: to rewind a model to earlier weights (lottery-ticket
 * rewinding), to train several copies of one model in turn, and to average them ({@link #average}, the uniform model
 * soup). Immutable; holds float32 values in each parameter's row-major order, so it needs no native memory.
 */
public final class WeightSnapshot {

    private final Map<String, Shape> shapes;
    private final Map<String, float[]> values;

    private WeightSnapshot(Map<String, Shape> shapes, Map<String, float[]> values) {
        this.shapes = Collections.unmodifiableMap(shapes);
        this.values = values;
    }

    /**
     * @param model a model
     * @return a copy of its raw parameters (not through weight transforms), every name of
     *     {@link Maskable#parameterNames()}
     * @throws IllegalArgumentException if a parameter is not float32
     */
    public static WeightSnapshot of(Maskable model) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String name : model.parameterNames()) {
            NDArray p = model.parameter(name);
            if (p.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter " + name + " is " + p.getDataType()
                        + "; snapshots hold float32 weights");
            }
            shapes.put(name, p.getShape());
            values.put(name, p.toFloatArray());
        }
        return new WeightSnapshot(shapes, values);
    }

    /**
     * Writes the snapshot's values into the model's parameters, in place.
     *
     * @param model a model of the same architecture
     * @throws IllegalArgumentException naming the parameter if the model's parameters differ in name or shape
     */
    public void restore(Maskable model) {
        if (!model.parameterNames().equals(names())) {
            throw new IllegalArgumentException("the snapshot holds parameters " + names() + " but the model has "
                    + model.parameterNames() + "; a snapshot restores only a model of the same architecture");
        }
        for (String name : names()) {
            NDArray p = model.parameter(name);
            if (!p.getShape().equals(shapes.get(name))) {
                throw new IllegalArgumentException("parameter " + name + " has shape " + p.getShape()
                        + " in the model but " + shapes.get(name) + " in the snapshot; a snapshot restores only a "
                        + "model of the same architecture");
            }
            p.set(values.get(name));
        }
    }

    /** @return the parameter names, in the model's order */
    public List<String> names() {
        return List.copyOf(shapes.keySet());
    }

    /**
     * @param name a parameter name
     * @return its shape
     * @throws IllegalArgumentException if the snapshot has no such parameter
     */
    public Shape shape(String name) {
        requireName(name);
        return shapes.get(name);
    }

    /**
     * @param name a parameter name
     * @return a copy of its values, row-major
     * @throws IllegalArgumentException if the snapshot has no such parameter
     */
    public float[] values(String name) {
        requireName(name);
        return values.get(name).clone();
    }

    private void requireName(String name) {
        if (!shapes.containsKey(name)) {
            throw new IllegalArgumentException("the snapshot has no parameter '" + name + "'; it has " + names());
        }
    }

    /**
     * The uniform average of snapshots of one architecture (the uniform soup of Wortsman et al., 2022, "Model
     * soups", arXiv 2203.05482), every parameter averaged entry by entry. Sums run in double precision, so the
     * average of identical snapshots is exactly that snapshot.
     *
     * @param ingredients at least one snapshot, all with the same parameter names and shapes
     * @return their mean
     * @throws IllegalArgumentException naming the parameter and the ingredient if the architectures differ, or if
     *     there is no ingredient
     */
    public static WeightSnapshot average(List<WeightSnapshot> ingredients) {
        if (ingredients.isEmpty()) {
            throw new IllegalArgumentException("averaging needs at least one snapshot");
        }
        WeightSnapshot first = ingredients.get(0);
        for (int i = 1; i < ingredients.size(); i++) {
            WeightSnapshot other = ingredients.get(i);
            if (!other.names().equals(first.names())) {
                throw new IllegalArgumentException("ingredient " + i + " has parameters " + other.names()
                        + " but ingredient 0 has " + first.names() + "; only models of one architecture can be averaged");
            }
            for (String name : first.names()) {
                if (!other.shapes.get(name).equals(first.shapes.get(name))) {
                    throw new IllegalArgumentException("parameter " + name + " has shape " + other.shapes.get(name)
                            + " in ingredient " + i + " but " + first.shapes.get(name) + " in ingredient 0; only "
                            + "models of one architecture can be averaged");
                }
            }
        }
        Map<String, float[]> mean = new LinkedHashMap<>();
        for (String name : first.names()) {
            double[] sum = new double[first.values.get(name).length];
            for (WeightSnapshot s : ingredients) {
                float[] v = s.values.get(name);
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += v[k];
                }
            }
            float[] out = new float[sum.length];
            for (int k = 0; k < sum.length; k++) {
                out[k] = (float) (sum[k] / ingredients.size());
            }
            mean.put(name, out);
        }
        return new WeightSnapshot(new LinkedHashMap<>(first.shapes), mean);
    }
}
