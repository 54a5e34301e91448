package org.repro4j.papers.randomsearchsparsenas;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random Search over the node space of an initialized over-parameterized MLP, after Farahani (2024, "Random Search
 * as a Baseline for Sparse Neural Network Architecture Search", arXiv 2403.08265): draw candidate node masks at a
 * fixed node sparsity uniformly at random, score each by how well its subnetwork starts to learn, keep the best.
 * The hope it tests is that some subnetworks of the initialization sit in a better place of the loss landscape
 * than others, and that a short training can tell which.
 *
 * <p>The score ({@link SubnetworkTrainer#shortTrainingScore}) is the validation cross-entropy after a few optimizer
 * steps from the parent's initial weights; every candidate sees the same batches. The candidates are independent
 * uniform draws ({@link NodeMask#random}), so the best of {@code N} is the only thing search adds to a random mask.
 *
 * <pre>{@code
 * RandomSearch.Result found = RandomSearch.search(trainer, 0.9, 20, 50, new SplittableRandom(seed));
 * SubnetworkRun best = trainer.train(found.best().mask(), 2, 20, "RS best");
 * }</pre>
 */
public final class RandomSearch {

    private RandomSearch() {}

    /**
     * A scored candidate.
     *
     * @param mask its node mask
     * @param score validation cross-entropy after the short training, in nats (lower is better)
     */
    public record Candidate(NodeMask mask, double score) {}

    /**
     * The outcome of a search.
     *
     * @param sparsity the node sparsity searched at
     * @param scoringSteps optimizer steps of each candidate's short training
     * @param candidates every candidate in the order drawn
     */
    public record Result(double sparsity, long scoringSteps, List<Candidate> candidates) {

        /** @return the candidate of lowest score (the first drawn among equals) */
        public Candidate best() {
            return candidates.stream().min(Comparator.comparingDouble(Candidate::score)).orElseThrow();
        }

        /** @return the candidates' scores, ascending */
        public double[] sortedScores() {
            return candidates.stream().mapToDouble(Candidate::score).sorted().toArray();
        }
    }

    /**
     * Draws and scores {@code candidates} node masks of the trainer's parent.
     *
     * @param trainer trains subnetworks of the parent from its initialization
     * @param sparsity fraction of each hidden layer's units removed, in [0, 1)
     * @param candidates number of masks to draw, ≥ 1
     * @param scoringSteps optimizer steps of each short training, ≥ 1
     * @param random the draw of the masks; consumed
     * @return the scored candidates
     * @throws IllegalArgumentException if {@code candidates} or {@code scoringSteps} is below 1 or the sparsity is
     *     outside [0, 1)
     */
    public static Result search(SubnetworkTrainer trainer, double sparsity, int candidates, long scoringSteps,
            SplittableRandom random) {
        if (candidates < 1 || scoringSteps < 1) {
            throw new IllegalArgumentException("random search needs at least one candidate and one scoring step; got "
                    + candidates + " candidates and " + scoringSteps + " steps");
        }
        List<Candidate> scored = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            NodeMask mask = NodeMask.random(trainer.parent(), sparsity, random);
            scored.add(new Candidate(mask, trainer.shortTrainingScore(mask, scoringSteps)));
        }
        return new Result(sparsity, scoringSteps, List.copyOf(scored));
    }
}
