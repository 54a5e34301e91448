package org.repro4j.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.repro4j.models.transformer.TestModels.array;
import static org.repro4j.models.transformer.TestModels.maxAbsDiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repro4j.engine.NativeThreads;

class TransformerEncoderTest {

    private static final int PAD = 0;
    private static final TransformerConfig CONFIG =
            TransformerConfig.builder(TestModels.VOCAB).context(10).dModel(16).nHeads(2).nLayers(3).dMlp(32).build();

    @BeforeAll
    static void oneNativeThread() {
        NativeThreads.applyDefault();
    }

    private static TransformerEncoder encoder(boolean shared, long seed) {
        TransformerEncoder encoder = TransformerEncoder.create(CONFIG, shared, PAD, seed);
        encoder.parameterNames().stream().filter(n -> n.contains("W_")).forEach(n -> encoder.parameter(n).muli(12f));
        return encoder;
    }

    @Test
    void everyTokenSeesTheWholeSequenceWithoutACausalMask() {
        try (TransformerEncoder encoder = encoder(false, 1); NDManager m = encoder.manager().newSubManager()) {
            NDArray a = encoder.hiddenStates(array(m, new int[][] {{3, 4, 5, 6, 7}})).get(2);
            NDArray b = encoder.hiddenStates(array(m, new int[][] {{3, 4, 5, 6, 9}})).get(2);
            assertTrue(maxAbsDiff(a.get(new NDIndex(":, 0")), b.get(new NDIndex(":, 0"))) > 1e-3f,
                    "changing the last token must change the first token's state");
        }
    }

    @Test
    void paddingIsInvisibleToTheRealTokensAndToPooling() {
        try (TransformerEncoder encoder = encoder(false, 2); NDManager m = encoder.manager().newSubManager()) {
            TransformerEncoder.Run padded = encoder.start(array(m, new int[][] {{3, 4, 5, PAD, PAD}, {6, 7, 8, 9, 10}}));
            TransformerEncoder.Run alone = encoder.start(array(m, new int[][] {{3, 4, 5}}));
            for (int step = 0; step < 3; step++) {
                NDArray p = padded.next();
                NDArray a = alone.next();
                assertEquals(0f, maxAbsDiff(p.get(new NDIndex("0:1, 0:3")), a), 1e-5f, "step " + step);
                assertEquals(0f, maxAbsDiff(padded.meanPool(p).get(new NDIndex("0:1")), alone.meanPool(a)), 1e-5f);
            }
            assertFalse(padded.hasNext());
            assertThrows(java.util.NoSuchElementException.class, padded::next);
            assertThrows(IllegalArgumentException.class, () -> encoder.start(array(m, new int[][] {{PAD, PAD}})));
        }
    }

    @Test
    void aSharedBlockIsOneSetOfWeightsAppliedAtEveryStep() {
        try (TransformerEncoder shared = TransformerEncoder.create(CONFIG, true, PAD, 3);
                TransformerEncoder separate = TransformerEncoder.create(CONFIG, false, PAD, 3);
                NDManager m = shared.manager().newSubManager()) {
            assertTrue(shared.parameterNames().contains("blocks.0.attn.W_Q"));
            assertFalse(shared.parameterNames().contains("blocks.1.attn.W_Q"));
            assertTrue(separate.parameterNames().contains("blocks.2.attn.W_Q"));
            long sharedCount = shared.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long separateCount = separate.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long perBlock = (separateCount - sharedCount) / 2;
            assertEquals(separateCount - 2 * perBlock, sharedCount);
            List<NDArray> states = shared.hiddenStates(array(m, new int[][] {{3, 4, 5, 6}}));
            assertEquals(3, states.size());
            assertEquals(new Shape(1, 4, 16), states.get(2).getShape());
            assertTrue(maxAbsDiff(states.get(1), states.get(2)) > 0f, "each application changes the state");
        }
    }

    @Test
    void aPadIdOutsideTheVocabularyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TransformerEncoder.create(CONFIG, true, 99, 0));
        try (TransformerEncoder none = TransformerEncoder.create(CONFIG, true, TransformerEncoder.NO_PADDING, 0);
                NDManager m = none.manager().newSubManager()) {
            assertEquals(3, none.hiddenStates(array(m, new int[][] {{0, 0, 0}})).size(), "0 is a token here");
        }
    }
}
