package org.repro4j.nas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import tech.tablesaw.api.Table;

class SamplingRuleTest {

    private static NDManager manager;
    private static ElasticMlp supernet;

    @BeforeAll
    static void supernet() {
        manager = NDManager.newBaseManager();
        supernet = ElasticMlp.of(new Mlp(10, 3, 16, 4, Nonlinearity.RELU).initialize(manager, 1));
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static SubModelSpace sorted() {
        return SubModelSpace.uniformWidths(supernet, new int[] {1, 2, 3}, new int[] {4, 8, 16});
    }

    @Test
    void spacesAreSortedByFlopsFromTheSmallestToTheLargest() {
        SubModelSpace space = sorted();
        assertEquals(9, space.size());
        assertEquals(SubModel.of(4), space.smallest());
        assertEquals(supernet.largest(), space.largest());
        for (int i = 1; i < space.size(); i++) {
            assertTrue(space.flops(i - 1) <= space.flops(i), "ascending FLOPs at " + i);
            assertEquals(supernet.flops(space.get(i)), space.flops(i));
        }
        SubModelSpace layerwise = SubModelSpace.layerwise(supernet, new int[] {1, 2}, new int[] {4, 16});
        assertEquals(2 + 4, layerwise.size());
        assertTrue(layerwise.subModels().contains(SubModel.of(16, 4)));
        assertEquals(2, SubModelSpace.of(supernet, List.of(SubModel.of(4), SubModel.of(4), SubModel.of(8))).size());
    }

    @Test
    void theSandwichRuleAlwaysContainsTheLargestAndTheSmallest() {
        SubModelSpace space = SubModelSpace.layerwise(supernet, new int[] {1, 2, 3}, new int[] {4, 8, 16});
        SamplingRule sandwich = SamplingRule.sandwich(space, 2);
        Random rng = new Random(3);
        for (int step = 0; step < 500; step++) {
            List<SubModel> drawn = sandwich.sample(rng);
            assertEquals(4, drawn.size());
            assertEquals(space.largest(), drawn.get(0));
            assertEquals(space.smallest(), drawn.get(1));
        }
        assertEquals(List.of(space.largest(), space.smallest()), SamplingRule.sandwich(space, 0).sample(rng));
        SubModelSpace single = SubModelSpace.of(supernet, List.of(SubModel.of(8)));
        assertEquals(List.of(SubModel.of(8)), SamplingRule.sandwich(single, 0).sample(rng), "trained once");
    }

    @Test
    void randomSamplingDrawsEverySubModelEquallyOften() {
        SubModelSpace space = sorted();
        SamplingRule random = SamplingRule.random(space, 3);
        Map<SubModel, Integer> counts = new HashMap<>();
        Random rng = new Random(5);
        for (int step = 0; step < 3000; step++) {
            List<SubModel> drawn = random.sample(rng);
            assertEquals(3, drawn.size());
            drawn.forEach(s -> counts.merge(s, 1, Integer::sum));
        }
        assertEquals(space.size(), counts.size());
        // 9000 draws over 9 sub-models: 1000 each, standard deviation about 31
        counts.values().forEach(c -> assertEquals(1000, c, 150));
        assertEquals(space.subModels(), SamplingRule.all(space).sample(rng));
    }

    @Test
    void complexityShiftedSamplingDrawsBandsUniformlyUntilEachHasBeenObserved() {
        SubModelSpace space = sorted();
        ComplexityShiftedSampling shifted = SamplingRule.complexityShifted(space, 2, 3, 0.01);
        assertEquals(3, shifted.bandCount());
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, shifted.probabilities(), 1e-12);
        Table bands = shifted.bands();
        assertEquals(List.of("band", "flops_min", "flops_max", "sub_models", "observations", "loss", "trend",
                "probability"), bands.columnNames());
        assertEquals(space.size(), (int) bands.intColumn("sub_models").sum());
        // the bands cut the FLOPs range into thirds, so a third of the draws hit the top band's few sub-models
        long top = bands.longColumn("flops_min").getLong(2);
        int drawnTop = 0;
        Random rng = new Random(1);
        for (int step = 0; step < 1500; step++) {
            for (SubModel s : shifted.sample(rng)) {
                drawnTop += supernet.flops(s) >= top ? 1 : 0;
            }
        }
        assertEquals(1000, drawnTop, 100);
    }

    @Test
    void complexityShiftedSamplingFavoursTheBandWhoseLossStillFalls() {
        SubModelSpace space = sorted();
        ComplexityShiftedSampling shifted = SamplingRule.complexityShifted(space, 1, 3, 0.01);
        // FLOPs 112 … 1472 in thirds: seven sub-models in the lowest band, 960 alone in the middle one
        List<SubModel> oneOfEachBand = List.of(space.smallest(), space.get(space.size() - 2), space.largest());
        assertEquals(List.of(7, 1, 1), shifted.bands().intColumn("sub_models").asList());
        for (int step = 0; step < 50; step++) {
            // the smallest band's loss falls by 2 % a step; the others stay flat
            shifted.observe(oneOfEachBand, new double[] {2 * Math.pow(0.98, step), 1.0, 0.5});
        }
        double[] p = shifted.probabilities();
        assertTrue(p[0] > 0.6 && p[1] < 0.25 && p[2] < 0.25, java.util.Arrays.toString(p));
        assertTrue(p[1] >= ComplexityShiftedSampling.UNIFORM_SHARE / 3 - 1e-12, "every band keeps its floor");
        assertEquals(1, p[0] + p[1] + p[2], 1e-12);
        assertTrue(shifted.bands().doubleColumn("trend").getDouble(0) > 0.01);
    }

    @Test
    void aSandwichPassesOnlyItsChildrensLossesToTheChildRule() {
        SubModelSpace space = sorted();
        List<List<SubModel>> seen = new ArrayList<>();
        SamplingRule children = new SamplingRule() {
            @Override
            public SubModelSpace space() {
                return space;
            }

            @Override
            public List<SubModel> sample(Random rng) {
                return List.of(space.get(3));
            }

            @Override
            public void observe(List<SubModel> trained, double[] losses) {
                seen.add(trained);
                assertArrayEquals(new double[] {0.3}, losses);
            }
        };
        SamplingRule sandwich = SamplingRule.sandwich(children);
        List<SubModel> drawn = sandwich.sample(new Random(0));
        assertEquals(List.of(space.largest(), space.smallest(), space.get(3)), drawn);
        sandwich.observe(drawn, new double[] {0.1, 0.2, 0.3});
        assertEquals(List.of(List.of(space.get(3))), seen);
    }

    @Test
    void rulesWithNoSubModelsAreRejected() {
        SubModelSpace space = sorted();
        List<String> messages = List.of(
                assertThrows(IllegalArgumentException.class, () -> SubModelSpace.of(supernet, List.of()))
                        .getMessage(),
                assertThrows(IllegalArgumentException.class,
                        () -> SubModelSpace.uniformWidths(supernet, new int[] {}, new int[] {4})).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> SamplingRule.random(space, 0)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> SamplingRule.sandwich(space, -1)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> SamplingRule.complexityShifted(space, 0, 3, 0.01))
                        .getMessage(),
                assertThrows(IllegalArgumentException.class, () -> SamplingRule.complexityShifted(space, 1, 0, 0.01))
                        .getMessage(),
                assertThrows(IllegalArgumentException.class, () -> SamplingRule.complexityShifted(space, 1, 3, 0))
                        .getMessage());
        assertTrue(messages.get(0).contains("at least one sub-model") && messages.get(1).contains("at least one"),
                messages.toString());
        assertTrue(messages.get(2).contains("at least 1 sub-model per step"), messages.get(2));
        assertTrue(messages.get(3).contains("n ≥ 0"), messages.get(3));
        assertTrue(messages.get(4).contains("at least 1 sub-model") && messages.get(5).contains("at least 1 FLOPs")
                && messages.get(6).contains("positive"), messages.toString());
        IllegalArgumentException tooWide = assertThrows(IllegalArgumentException.class,
                () -> SubModelSpace.uniformWidths(supernet, new int[] {2}, new int[] {32}));
        assertTrue(tooWide.getMessage().contains("[1, 16]"), tooWide.getMessage());
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                () -> SubModelSpace.layerwise(supernet, new int[] {4}, new int[] {4}));
        assertTrue(tooDeep.getMessage().contains("[1, 3]"), tooDeep.getMessage());
    }
}
