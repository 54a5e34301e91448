package org.repro4j.papers.randomsearchsparsenas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.repro4j.models.Mlp;
import org.repro4j.models.Nonlinearity;
import org.repro4j.models.WeightSnapshot;

/** Every subnetwork starts from the parent's initialization, and its removed units stay removed. */
class SubnetworkTrainerTest {

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private SubnetworkTrainer trainer(Mlp parent) {
        return new SubnetworkTrainer(parent, ToyImages.of(1024, 1), ToyImages.of(300, 2), ToyImages.of(300, 3),
                manager, 5);
    }

    @Test
    void removedWeightsAreExactlyZeroAfterTrainingAndKeptOnesMove() {
        Mlp parent = new Mlp(16, 2, 12, 3, Nonlinearity.RELU).initialize(manager, 1);
        WeightSnapshot initial = WeightSnapshot.of(parent);
        SubnetworkTrainer trainer = trainer(parent);
        NodeMask mask = NodeMask.random(parent, 0.75, new SplittableRandom(2));
        SubnetworkRun run = trainer.train(mask, 8, 4, "test");
        assertEquals(0, run.removedNonzeros());
        assertEquals(8, trainer.stepsPerEpoch());                       // 1024 images, batches of 128
        assertArrayEquals(new double[] {0, 16, 32, 48, 64}, run.curveSteps());
        double finalValidation = run.history().doubleColumn("validation_accuracy").getDouble(63);
        assertEquals(finalValidation, run.curveAccuracy()[4], 0.0, "the curve ends at the run's last evaluation");
        assertTrue(run.testAccuracy() >= 0 && run.testAccuracy() <= 1);
        int kept = mask.kept(0)[0];
        assertNotEquals(initial.values("layers.0.linear.weight")[kept * 16],
                parent.parameter("layers.0.linear.weight").toFloatArray()[kept * 16], "a kept weight moved");
    }

    @Test
    void everyRunStartsFromTheParentsInitialization() {
        Mlp parent = new Mlp(16, 2, 12, 3, Nonlinearity.RELU).initialize(manager, 1);
        SubnetworkTrainer trainer = trainer(parent);
        NodeMask a = NodeMask.random(parent, 0.5, new SplittableRandom(3));
        NodeMask b = NodeMask.random(parent, 0.5, new SplittableRandom(4));
        double first = trainer.shortTrainingScore(a, 10);
        double other = trainer.shortTrainingScore(b, 10);
        trainer.train(b, 1, 2, "in between");
        assertEquals(first, trainer.shortTrainingScore(a, 10), 0.0, "the same mask scores the same, bit for bit");
        assertNotEquals(first, other, "different subnetworks score differently");
    }
}
