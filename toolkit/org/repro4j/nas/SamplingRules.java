package org.repro4j.nas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The fixed sampling rules behind {@link SamplingRule}'s factories. */
final class SamplingRules {

    private SamplingRules() {}

    static int requireSamples(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a sampling rule must train at least 1 sub-model per step; got " + n);
        }
        return n;
    }

    /** Every sub-model, every step. */
    record All(SubModelSpace space) implements SamplingRule {
        @Override
        public List<SubModel> sample(Random rng) {
            return space.subModels();
        }

        @Override
        public String toString() {
            return "all " + space.size() + " sub-models";
        }
    }

    /** {@code n} independent uniform draws. */
    record Uniform(SubModelSpace space, int n) implements SamplingRule {
        @Override
        public List<SubModel> sample(Random rng) {
            List<SubModel> drawn = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                drawn.add(space.get(rng.nextInt(space.size())));
            }
            return drawn;
        }

        @Override
        public String toString() {
            return n + " uniform";
        }
    }

    /** Largest, smallest, then the children rule's draws (none if it is null). */
    record Sandwich(SubModelSpace space, SamplingRule children) implements SamplingRule {
        @Override
        public List<SubModel> sample(Random rng) {
            List<SubModel> drawn = new ArrayList<>(extremes());
            if (children != null) {
                drawn.addAll(children.sample(rng));
            }
            return drawn;
        }

        @Override
        public void observe(List<SubModel> trained, double[] losses) {
            int skip = extremes().size();
            if (children != null) {
                children.observe(trained.subList(skip, trained.size()),
                        Arrays.copyOfRange(losses, skip, losses.length));
            }
        }

        private List<SubModel> extremes() {
            return space.size() == 1 ? List.of(space.largest()) : List.of(space.largest(), space.smallest());
        }

        @Override
        public String toString() {
            return "sandwich (largest, smallest" + (children == null ? "" : ", " + children) + ")";
        }
    }
}
