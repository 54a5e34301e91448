package org.repro4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.repro4j.data.LmBatches;
import org.repro4j.train.Batch;
import org.repro4j.train.Batches;
import org.repro4j.train.Fit;
import org.repro4j.train.Optimizer;

/**
 * The toolkit side of {@code bench/run}: a long-lived process that answers one timing request per line on stdin
 * with one JSON line on stdout, so the driver can alternate its repetitions with the PyTorch peer's
 * ({@code bench/peer_torch.py} speaks the same protocol). The intra-op thread count is fixed for the process by
 * {@code -Dai.djl.pytorch.num_threads=N}.
 *
 * <pre>
 * prepare DIR                                 → {"threads": N}   (loads the data, writes it to DIR for the peer)
 * train MODEL OPTIMIZER WARMUP STEPS SEED     → {"ms": median milliseconds per training step}
 * infer MODEL BATCH WARMUP CALLS              → {"ms": median milliseconds per forward pass}
 * </pre>
 *
 * Training goes through the toolkit's own loop, {@link Fit}, exactly as a notebook calls it; a step's time is the
 * interval between consecutive {@code afterStep} callbacks, and the first {@code WARMUP} steps are dropped.
 */
public final class BenchWorker {

    private static final int IMAGE_BATCH = 128;
    private static final int LM_BATCH = 32;

    private final NDManager manager = NDManager.newBaseManager();
    private BenchData data;

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8)); // stray prints must not break the protocol
        BenchWorker worker = new BenchWorker();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] words = line.trim().split("\\s+");
            try {
                out.println(worker.answer(words));
            } catch (Exception e) {
                out.println("{\"error\": \"" + (e + "").replace('"', '\'').replace('\n', ' ') + "\"}");
            }
        }
    }

    private String answer(String[] w) throws Exception {
        switch (w[0]) {
            case "prepare" -> {
                Engine.getInstance();
                data = BenchData.load(manager);
                data.export(Path.of(w[1]));
                return "{\"threads\": " + JniUtils.getNumThreads() + "}";
            }
            case "train" -> {
                return ms(train(w[1], w[2], Integer.parseInt(w[3]), Integer.parseInt(w[4]), Long.parseLong(w[5])));
            }
            case "infer" -> {
                return ms(infer(w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3]), Integer.parseInt(w[4])));
            }
            default -> throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "{\"ms\": %.4f}", value);
    }

    /** @return median milliseconds per training step after {@code warmup} steps */
    private double train(String modelName, String optimizer, int warmup, int steps, long seed) throws Exception {
        long[] ends = new long[warmup + steps + 1];
        try (BenchModel model = BenchModel.create(modelName, seed)) {
            Fit fit = Fit.of(model.block)
                    .optimizer(optimizer.equals("sgd") ? Optimizer.sgd(0.05) : Optimizer.adam(1e-3))
                    .steps(warmup + steps)
                    .seed(seed)
                    .logEvery(warmup + steps)
                    .quiet()
                    .afterStep(step -> ends[step] = System.nanoTime());
            if (model.isLanguageModel()) {
                fit.data(lmBatches(LM_BATCH, seed));
            } else {
                fit.data(data.images, data.labels, IMAGE_BATCH);
            }
            fit.run();
        }
        double[] perStep = new double[steps - 1];
        for (int i = 0; i < perStep.length; i++) {
            perStep[i] = (ends[warmup + 2 + i] - ends[warmup + 1 + i]) / 1e6;
        }
        return median(perStep);
    }

    /** @return median milliseconds per evaluation-mode forward pass at {@code batch} after {@code warmup} calls */
    private double infer(String modelName, int batch, int warmup, int calls) throws Exception {
        double[] times = new double[calls];
        Random random = new Random(1);
        try (BenchModel model = BenchModel.create(modelName, 1)) {
            LmBatches windows = model.isLanguageModel() ? new LmBatches(data.tokens, batch, BenchModel.CONTEXT) : null;
            for (int call = -warmup; call < calls; call++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = windows != null ? windows.random(random).toNDList(scope).get(0)
                            : data.images.get(scope, new NDIndex("0:{}", batch));
                    long start = System.nanoTime();
                    model.block.forward(new ParameterStore(scope, false), new NDList(x), false);
                    if (call >= 0) {
                        times[call] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
        }
        return median(times);
    }

    private Batches lmBatches(int batch, long seed) {
        LmBatches windows = new LmBatches(data.tokens, batch, BenchModel.CONTEXT);
        Random random = new Random(seed);
        return new Batches() {
            @Override
            public long batchesPerEpoch() {
                return windows.sequentialWindowCount() / batch;
            }

            @Override
            public Batch next(NDManager step) {
                NDList arrays = windows.random(random).toNDList(step);
                return new Batch(arrays.get(0), arrays.get(1));
            }
        };
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
