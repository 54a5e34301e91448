package org.repro4j.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Maskable;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.WeightLayout;
import org.repro4j.models.transformer.TinyTransformerLM;
import org.repro4j.models.transformer.TransformerConfig;
import tech.tablesaw.api.Table;

class DSnoTTest {

    private static final DSnoT.Settings UNTIL_STUCK = DSnoT.Settings.paper().withUpdateThreshold(0);

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** Inputs with a different non-zero mean and spread per feature, so the expected error ε is far from 0. */
    private NDArray calibration(int n, int features) {
        manager.getEngine().setRandomSeed(11);
        NDArray mean = manager.randomUniform(-1, 1, new Shape(1, features));
        NDArray spread = manager.randomUniform(0.2f, 1.5f, new Shape(1, features));
        return manager.randomNormal(new Shape(n, features)).mul(spread).add(mean);
    }

    private static int[] keptPerRow(Maskable model, ParamMask mask, String name) {
        WeightLayout layout = model.layout(name);
        int[] kept = new int[layout.outputs()];
        for (int row = 0; row < kept.length; row++) {
            for (int col = 0; col < layout.inputs(); col++) {
                kept[row] += mask.isKept(name, layout.flatIndex(row, col)) ? 1 : 0;
            }
        }
        return kept;
    }

    /** ‖(W − Ŵ)·X‖²_F / N of a one-layer model, computed from the arrays. */
    private static double reconstructionError(Mlp linear, ParamMask mask, NDArray x) {
        NDArray w = linear.parameter("readout.weight");
        NDArray sparse = mask.runWith(linear, () -> linear.effectiveWeight("readout.weight", x.getManager()));
        NDArray diff = x.matMul(w.sub(sparse).transpose());
        return diff.square().sum().getFloat() / x.getShape().get(0);
    }

    @Test
    void dsnotKeepsEveryRowsCountOfNonZerosAndNeverIncreasesTheReconstructionError() {
        Mlp linear = new Mlp(24, 0, 0, 10, Nonlinearity.RELU).initialize(manager, 5);
        NDArray x = calibration(512, 24);
        ParamMask wanda = Wanda.prune(linear, x, 0.6);
        DSnoT.Result refined = DSnoT.refine(linear, wanda, x, UNTIL_STUCK);
        ParamMask mask = refined.mask();
        assertArrayEquals(keptPerRow(linear, wanda, "readout.weight"), keptPerRow(linear, mask, "readout.weight"));
        assertTrue(refined.swaps().get("readout.weight") > 0, "some rows swapped weights");
        assertTrue(wanda.overlap(mask) < wanda.kept(), "the mask changed");
        double before = reconstructionError(linear, wanda, x);
        double after = reconstructionError(linear, mask, x);
        assertTrue(after < before, "error " + before + " → " + after);
        Table errors = refined.errors();
        List<Double> curve = errors.doubleColumn("error").asList();
        assertEquals(before, curve.get(0), 1e-4 * before, "cycle 0 is the initial mask's error");
        assertEquals(after, curve.get(curve.size() - 1), 1e-4 * before, "the last cycle is the refined mask's");
        for (int c = 1; c < curve.size(); c++) {
            assertTrue(curve.get(c) <= curve.get(c - 1), "cycle " + c + ": " + curve.get(c - 1) + " → " + curve.get(c));
        }
    }

    @Test
    void everyLayerOfADeeperModelAndATransformerKeepsItsCountsPerRow() {
        Mlp mlp = new Mlp(16, 2, 12, 4, Nonlinearity.TANH).initialize(manager, 2);
        NDArray x = calibration(256, 16);
        ParamMask wanda = Wanda.prune(mlp, x, 0.5);
        ParamMask refined = DSnoT.refine(mlp, wanda, x, UNTIL_STUCK).mask();
        for (String name : mlp.maskableParameterNames()) {
            assertArrayEquals(keptPerRow(mlp, wanda, name), keptPerRow(mlp, refined, name), name);
        }
        try (TinyTransformerLM lm = TinyTransformerLM.create(
                TransformerConfig.builder(9).context(6).dModel(8).nHeads(2).nLayers(1).dMlp(12).build(), 3)) {
            NDArray tokens = manager.randomInteger(0, 9, new Shape(32, 6), DataType.INT64);
            ParamMask start = Wanda.prune(lm, tokens, 0.7);
            DSnoT.Result result = DSnoT.refine(lm, start, tokens, UNTIL_STUCK);
            for (String name : lm.maskableParameterNames()) {
                assertArrayEquals(keptPerRow(lm, start, name), keptPerRow(lm, result.mask(), name), name);
            }
            assertEquals(start.kept(), result.mask().kept());
        }
    }

    @Test
    void onlyTheChosenParametersAreRefinedTheOthersKeepTheInitialMask() {
        Mlp mlp = new Mlp(16, 2, 12, 4, Nonlinearity.TANH).initialize(manager, 2);
        NDArray x = calibration(256, 16);
        ParamMask wanda = Wanda.prune(mlp, x, 0.5);
        List<String> names = mlp.maskableParameterNames();
        String chosen = names.get(1);
        DSnoT.Result one = DSnoT.refine(mlp, wanda, x, UNTIL_STUCK, chosen::equals);
        assertEquals(List.of(chosen), List.copyOf(one.swaps().keySet()));
        assertEquals(List.of(chosen), one.errors().stringColumn("parameter").unique().asList());
        assertTrue(one.swaps().get(chosen) > 0, "the chosen weight was refined");
        assertTrue(wanda.overlap(one.mask()) < wanda.kept(), "the mask changed");
        assertArrayEquals(keptPerRow(mlp, wanda, chosen), keptPerRow(mlp, one.mask(), chosen));
        for (String name : names) {
            if (!name.equals(chosen)) {
                int size = Math.toIntExact(wanda.shape(name).size());
                for (int i = 0; i < size; i++) {
                    assertEquals(wanda.isKept(name, i), one.mask().isKept(name, i), name + " weight " + i);
                }
            }
        }
    }

    @Test
    void eachSwapGrowsTheBestVarianceScaledCancellerAndPrunesTheLowestWandaScoreOfTheOppositeSign() {
        Mlp linear = new Mlp(24, 0, 0, 10, Nonlinearity.RELU).initialize(manager, 5);
        NDArray x = calibration(512, 24);
        ParamMask wanda = Wanda.prune(linear, x, 0.6);
        ParamMask once = DSnoT.refine(linear, wanda, x, UNTIL_STUCK.withMaxCycles(1)).mask();
        String name = "readout.weight";
        WeightLayout layout = linear.layout(name);
        float[] w = linear.parameter(name).toFloatArray();
        float[] mean = x.mean(new int[] {0}).toFloatArray();
        float[] variance = x.sub(x.mean(new int[] {0}, true)).square().mean(new int[] {0}).toFloatArray();
        float[] norm = x.square().sum(new int[] {0}).sqrt().toFloatArray();
        int swappedRows = 0;
        for (int row = 0; row < layout.outputs(); row++) {
            double epsilon = 0;
            for (int j = 0; j < layout.inputs(); j++) {
                int f = layout.flatIndex(row, j);
                epsilon += wanda.isKept(name, f) ? 0 : w[f] * mean[j];
            }
            int grow = -1;
            int prune = -1;
            for (int j = 0; j < layout.inputs(); j++) {
                int f = layout.flatIndex(row, j);
                double signed = Math.signum(epsilon) * w[f] * mean[j];
                if (!wanda.isKept(name, f) && signed > 0 && (grow < 0
                        || signed / variance[j] > Math.signum(epsilon) * w[layout.flatIndex(row, grow)]
                                * mean[grow] / variance[grow])) {
                    grow = j;
                }
                if (wanda.isKept(name, f) && signed < 0 && (prune < 0
                        || Math.abs(w[f]) * norm[j] < Math.abs(w[layout.flatIndex(row, prune)]) * norm[prune])) {
                    prune = j;
                }
            }
            for (int j = 0; j < layout.inputs(); j++) {
                int f = layout.flatIndex(row, j);
                if (once.isKept(name, f) != wanda.isKept(name, f)) {
                    assertEquals(j == grow, once.isKept(name, f), "row " + row + " input " + j);
                    assertTrue(j == grow || j == prune, "row " + row + " changed input " + j + ", expected "
                            + grow + " in and " + prune + " out");
                    swappedRows += j == grow ? 1 : 0;
                }
            }
        }
        assertTrue(swappedRows > 0, "some row made its first swap");
    }

    @Test
    void aRowStopsOnceItsExpectedErrorIsBelowTheThreshold() {
        Mlp linear = new Mlp(24, 0, 0, 10, Nonlinearity.RELU).initialize(manager, 5);
        NDArray x = calibration(512, 24);
        ParamMask wanda = Wanda.prune(linear, x, 0.6);
        DSnoT.Result none = DSnoT.refine(linear, wanda, x, DSnoT.Settings.paper().withUpdateThreshold(1e9));
        assertEquals(0, none.swaps().get("readout.weight"));
        assertEquals(wanda.kept(), wanda.overlap(none.mask()), "nothing changed");
        DSnoT.Result zeroCycles = DSnoT.refine(linear, wanda, x, UNTIL_STUCK.withMaxCycles(0));
        assertEquals(0, zeroCycles.swaps().get("readout.weight"));
    }

    @Test
    void refiningAnAlreadyPrunedModelIsRejectedNamingTheParameter() {
        Mlp linear = new Mlp(8, 0, 0, 3, Nonlinearity.RELU).initialize(manager, 5);
        NDArray x = calibration(64, 8);
        ParamMask wanda = Wanda.prune(linear, x, 0.5);
        try (ParamMask.Applied pruned = wanda.prune(linear)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DSnoT.refine(linear, wanda, x, UNTIL_STUCK));
            assertTrue(e.getMessage().contains("readout.weight") && e.getMessage().contains("dense"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new DSnoT.Settings(-1, 0, 1));
    }
}
