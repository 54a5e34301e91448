package org.repro4j.papers.dsnot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.claims.NotebookInfo;
import org.repro4j.data.LmBatch;
import org.repro4j.data.LmBatches;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import org.repro4j.pruning.DSnoT;
import org.repro4j.pruning.ParamMask;

class TrainingFreeFineTuningTest {

    private static final int VOCAB = 13;
    private final TinyTransformerLM lm = TinyTransformerLM.create(
            TransformerConfig.builder(VOCAB).context(8).dModel(16).nHeads(2).nLayers(2).dMlp(32).build(), 4);
    private final NDManager manager = lm.manager().newSubManager();

    @AfterEach
    void close() {
        lm.close();
    }

    private static int[] stream(int n, long seed) {
        Random random = new Random(seed);
        int[] ids = new int[n];
        for (int i = 1; i < n; i++) {
            ids[i] = random.nextInt(4) == 0 ? random.nextInt(VOCAB) : (ids[i - 1] * 3 + 1) % VOCAB;
        }
        return ids;
    }

    @Test
    void theNotebookCitesItsCataloguePaper() throws Exception {
        NotebookInfo notebook = NotebookInfo.read(Path.of("notebooks/14-dsnot.ipynb"));
        assertEquals(24, notebook.paper().catalogue());
        assertEquals(List.of(), notebook.paper().problems());
    }

    @Test
    void perplexityIsTheExponentialOfTheMeanNegativeLogLikelihood() {
        LmBatch batch = new LmBatches(stream(200, 1), 4, 8).sequential().get(0);
        NDList arrays = batch.toNDList(manager);
        double nats = lm.loss(arrays.get(0), arrays.get(1)).getFloat();
        assertEquals(Math.exp(nats), TrainingFreeFineTuning.perplexity(lm, List.of(batch)), 1e-4 * Math.exp(nats));
        assertThrows(IllegalArgumentException.class, () -> TrainingFreeFineTuning.perplexity(lm, List.of()));
    }

    @Test
    void theComparisonRefinesWandasMaskWithoutChangingAnyRowsCountOrTheModel() {
        NDArray calibration = new LmBatches(stream(2000, 2), 32, 8).random(new Random(3)).toNDList(manager).get(0);
        List<LmBatch> eval = new LmBatches(stream(600, 4), 8, 8).sequential();
        var settings = DSnoT.Settings.paper().withUpdateThreshold(0);
        var c = TrainingFreeFineTuning.compare(lm, calibration, eval, 0.6, settings);
        assertTrue(c.swaps() > 0, "DSnoT swapped some weights");
        assertTrue(c.wanda().overlap(c.refined()) < c.wanda().kept(), "the refined mask differs from Wanda's");
        assertEquals(c.wanda().kept(), c.refined().kept());
        assertEquals(0, TrainingFreeFineTuning.rowsWithChangedCount(lm, c.wanda(), c.refined()));
        assertTrue(lm.weightTransforms().isEmpty(), "no mask is left on the model");
        assertEquals(TrainingFreeFineTuning.perplexity(lm, c.refined(), eval), c.dsnotPerplexity(), 1e-9);
        assertEquals(c.dsnotPerplexity() / c.wandaPerplexity(), c.perplexityRatio(), 1e-12);
    }

    /** @return whether two masks keep exactly the same weights of one matrix */
    private static boolean sameMatrix(ParamMask a, ParamMask b, String name) {
        for (int i = 0; i < a.shape(name).size(); i++) {
            if (a.isKept(name, i) != b.isKept(name, i)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void asInTheAuthorsCodeOnlyTheAttentionProjectionsAreRefinedAndTheMlpKeepsWandasMask() {
        NDArray calibration = new LmBatches(stream(2000, 2), 32, 8).random(new Random(3)).toNDList(manager).get(0);
        List<LmBatch> eval = new LmBatches(stream(600, 4), 8, 8).sequential();
        var settings = DSnoT.Settings.paper().withUpdateThreshold(0);
        var c = TrainingFreeFineTuning.compare(lm, calibration, eval, 0.7, settings);
        boolean attentionChanged = false;
        for (String name : lm.maskableParameterNames()) {
            if (name.contains(".mlp.")) {
                assertTrue(sameMatrix(c.wanda(), c.refined(), name), name + " keeps Wanda's mask");
            } else {
                attentionChanged |= !sameMatrix(c.wanda(), c.refined(), name);
            }
        }
        assertTrue(attentionChanged, "DSnoT changed some attention projection");
        assertTrue(c.dsnot().swaps().keySet().stream().allMatch(n -> n.contains(".attn.")),
                "swaps are recorded for the refined matrices only: " + c.dsnot().swaps().keySet());
    }

    @Test
    void allMatricesRefinesTheMlpToo() {
        NDArray calibration = new LmBatches(stream(2000, 2), 32, 8).random(new Random(3)).toNDList(manager).get(0);
        List<LmBatch> eval = new LmBatches(stream(600, 4), 8, 8).sequential();
        var all = TrainingFreeFineTuning.compare(lm, calibration, eval, 0.7,
                DSnoT.Settings.paper().withUpdateThreshold(0), TrainingFreeFineTuning.ALL_MATRICES);
        assertTrue(lm.maskableParameterNames().stream().filter(n -> n.contains(".mlp."))
                .anyMatch(n -> !sameMatrix(all.wanda(), all.refined(), n)), "an MLP matrix was refined");
        assertEquals(lm.maskableParameterNames(), List.copyOf(all.dsnot().swaps().keySet()));
        assertEquals(0, TrainingFreeFineTuning.rowsWithChangedCount(lm, all.wanda(), all.refined()));
    }

    @Test
    void rowsWithChangedCountCountsRowsNotWeights() {
        ParamMask dense = ParamMask.ones(lm);
        // MLP neuron 3 is output row 3 of W_in [d, d_mlp]; input 5 is one weight in each of its 32 rows
        assertEquals(1, TrainingFreeFineTuning.rowsWithChangedCount(lm, dense,
                dense.withSlicesRemoved("blocks.0.mlp.W_in", 1, 3)));
        assertEquals(32, TrainingFreeFineTuning.rowsWithChangedCount(lm, dense,
                dense.withSlicesRemoved("blocks.0.mlp.W_in", 0, 5)));
        assertThrows(IllegalArgumentException.class, () -> TrainingFreeFineTuning.rowsWithChangedCount(lm, dense,
                ParamMask.ones(lm, List.of("blocks.0.mlp.W_in"))));
    }
}
