package org.repro4j.pruning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.repro4j.models.Maskable;
import org.repro4j.models.WeightSnapshot;

/**
 * Model soups of sparse models: weight averages of models that share one mask, which keep the mask's sparsity
 * because every ingredient is 0 wherever the mask removes a weight (Zimmer, Spiegel &amp; Pokutta, ICLR 2024,
 * "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging", arXiv 2306.16788). The uniform soup
 * averages all ingredients; the greedy soup (Wortsman et al., 2022, "Model soups: averaging weights of multiple
 * fine-tuned models improves accuracy without increasing inference time", ICML, arXiv 2203.05482, Recipe 1)
 * visits the ingredients from best to worst held-out accuracy and keeps each one whose addition does not lower the
 * soup's held-out accuracy. A dense soup is the same call with {@link ParamMask#ones}.
 *
 * <pre>{@code
 * WeightSnapshot soup = ModelSoup.uniform(List.of(a, b, c), mask);   // snapshots of three retrained copies
 * soup.restore(mlp);
 * }</pre>
 */
public final class ModelSoup {

    private ModelSoup() {}

    /**
     * @param soup the averaged weights
     * @param ingredients indices (into the list given) of the ingredients in the soup, in the order added
     * @param heldOutAccuracy the soup's held-out accuracy
     * @param individualAccuracies each ingredient's held-out accuracy, in the order given
     */
    public record Greedy(WeightSnapshot soup, List<Integer> ingredients, double heldOutAccuracy,
            double[] individualAccuracies) {}

    /**
     * The uniform soup.
     *
     * @param ingredients snapshots of models of one architecture pruned with {@code mask}
     * @param mask the mask they share
     * @return their average, 0 wherever the mask removes a weight
     * @throws IllegalArgumentException naming the ingredient and the parameter if an ingredient has another
     *     architecture or a non-zero weight that the mask removes (it was pruned with another mask)
     */
    public static WeightSnapshot uniform(List<WeightSnapshot> ingredients, ParamMask mask) {
        for (int i = 0; i < ingredients.size(); i++) {
            requirePrunedWith(ingredients.get(i), i, mask);
        }
        return WeightSnapshot.average(ingredients);
    }

    /**
     * The greedy soup. Each candidate is written into {@code model} and scored there; on return the model holds
     * the greedy soup.
     *
     * @param model a model of the ingredients' architecture, used to evaluate
     * @param ingredients snapshots pruned with {@code mask}
     * @param mask the mask they share
     * @param heldOutAccuracy the selection metric on held-out data (not the test set), higher is better, e.g.
     *     {@code m -> Metrics.accuracy(m.logits(valX), valY)}
     * @return the soup, the ingredients it took and the accuracies
     * @throws IllegalArgumentException as {@link #uniform}, or if there is no ingredient
     */
    public static Greedy greedy(Maskable model, List<WeightSnapshot> ingredients, ParamMask mask,
            ToDoubleFunction<Maskable> heldOutAccuracy) {
        if (ingredients.isEmpty()) {
            throw new IllegalArgumentException("a soup needs at least one ingredient");
        }
        for (int i = 0; i < ingredients.size(); i++) {
            requirePrunedWith(ingredients.get(i), i, mask);
        }
        double[] individual = new double[ingredients.size()];
        for (int i = 0; i < individual.length; i++) {
            ingredients.get(i).restore(model);
            individual[i] = heldOutAccuracy.applyAsDouble(model);
        }
        List<Integer> order = IntStream.range(0, individual.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -individual[i]).thenComparingInt(i -> i)).toList();
        List<Integer> chosen = new ArrayList<>(List.of(order.get(0)));
        WeightSnapshot soup = ingredients.get(order.get(0));
        double best = individual[order.get(0)];
        for (int i : order.subList(1, order.size())) {
            List<Integer> candidate = new ArrayList<>(chosen);
            candidate.add(i);
            WeightSnapshot mixed = WeightSnapshot.average(candidate.stream().map(ingredients::get).toList());
            mixed.restore(model);
            double accuracy = heldOutAccuracy.applyAsDouble(model);
            if (accuracy >= best) {
                chosen = candidate;
                soup = mixed;
                best = accuracy;
            }
        }
        soup.restore(model);
        return new Greedy(soup, List.copyOf(chosen), best, individual);
    }

    private static void requirePrunedWith(WeightSnapshot ingredient, int index, ParamMask mask) {
        for (String name : mask.names()) {
            if (!ingredient.names().contains(name)) {
                throw new IllegalArgumentException("ingredient " + index + " has no parameter '" + name + "' that the "
                        + "mask covers; only models of the mask's architecture can be averaged");
            }
            if (!ingredient.shape(name).equals(mask.shape(name))) {
                throw new IllegalArgumentException("parameter " + name + " has shape " + ingredient.shape(name)
                        + " in ingredient " + index + " but " + mask.shape(name) + " in the mask; only models of the "
                        + "mask's architecture can be averaged");
            }
            float[] w = ingredient.values(name);
            for (int k = 0; k < w.length; k++) {
                if (w[k] != 0 && !mask.isKept(name, k)) {
                    throw new IllegalArgumentException("ingredient " + index + " has a non-zero weight in " + name
                            + " (flat index " + k + ") where the mask removes it, so it was not pruned with this mask; "
                            + "a soup averages models that share one mask (train each under mask.prune(model))");
                }
            }
        }
    }
}
