package org.repro4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import jdk.jshell.JShell;
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
 * train MODEL OPTIMIZER WARMUP STEPS SEED     → {"ms": median wall-clock ms per step, "cpu_ms": mean CPU ms, ...}
 * infer MODEL BATCH WARMUP CALLS              → {"ms": median wall-clock ms per call, "cpu_ms": mean CPU ms, ...}
 * profile MODEL OPTIMIZER WARMUP STEPS SEED   → {"phases": {name: ms}, "update_ms": ms, "op_us": µs}  (see {@link StepProfile})
 * trace MODEL OPTIMIZER WARMUP STEPS FILE     → {"file": FILE}  (PyTorch profiler's Chrome trace of STEPS steps)
 * memory MODEL OPTIMIZER STEPS EVERY          → {"rss_mb": [resident memory after every EVERY steps]}
 * jshell CALLS                                → {"ms": median ms of JShell.eval("1 + 1"), "first_ms": start-up}
 * </pre>
 *
 * Training goes through the toolkit's own loop, {@link Fit}, exactly as a notebook calls it; a step's time is the
 * interval between consecutive {@code afterStep} callbacks, and the first {@code WARMUP} steps are dropped.
 */
public final class BenchWorker {

    private static final int IMAGE_BATCH = 128;
    private static final int TINY_BATCH = 256;
    private static final int LM_BATCH = 32;

    private final NDManager manager = NDManager.newBaseManager();
    private BenchData data;
    private NDArray middleRow;

    public static void main(String[] args) throws IOException {
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

    private String answer(String[] w) throws IOException {
        switch (w[0]) {
            case "prepare" -> {
                Engine.getInstance();
                data = BenchData.load(manager);
                data.export(Path.of(w[1]));
                middleRow = data.middleRow();
                return "{\"threads\": " + JniUtils.getNumThreads() + "}";
            }
            case "train" -> {
                return train(w[1], w[2], Integer.parseInt(w[3]), Integer.parseInt(w[4]), Long.parseLong(w[5]));
            }
            case "infer" -> {
                return infer(w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3]), Integer.parseInt(w[4]));
            }
            case "profile" -> {
                return profile(w[1], w[2], Integer.parseInt(w[3]), Integer.parseInt(w[4]), Long.parseLong(w[5]));
            }
            case "trace" -> {
                trace(w[1], w[2], Integer.parseInt(w[3]), Integer.parseInt(w[4]), w[5]);
                return "{\"file\": \"" + w[5] + "\"}";
            }
            case "memory" -> {
                return memory(w[1], w[2], Integer.parseInt(w[3]), Integer.parseInt(w[4]));
            }
            case "jshell" -> {
                return jshellFloor(Integer.parseInt(w[1]));
            }
            default -> throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }

    /** @return wall-clock and CPU milliseconds per training step after {@code warmup} steps ({@link Stopwatch#json}) */
    private String train(String modelName, String optimizer, int warmup, int steps, long seed) {
        Stopwatch stopwatch = new Stopwatch(steps);
        try (BenchModel model = BenchModel.create(modelName, seed)) {
            fit(model, optimizer, seed)
                    .data(batches(model, seed))
                    .steps(warmup + steps)
                    .logEvery(warmup + steps)
                    .quiet()
                    .afterStep(step -> stopwatch.lap(step > warmup))
                    .run();
        }
        return stopwatch.json();
    }

    private String profile(String modelName, String optimizer, int warmup, int steps, long seed) {
        try (BenchModel model = BenchModel.create(modelName, seed)) {
            Map<String, Double> phases = StepProfile.training(fit(model, optimizer, seed), batches(model, seed), warmup, steps);
            double update = StepProfile.update(model.block, optimizer.equals("adam"), warmup, steps);
            double op = StepProfile.opOverhead(manager, 1000, 20);
            StringBuilder json = new StringBuilder("{\"phases\": {");
            phases.forEach((name, ms) -> json.append(String.format(Locale.ROOT, "\"%s\": %.4f, ", name, ms)));
            json.setLength(json.length() - 2);
            return json.append(String.format(Locale.ROOT, "}, \"update_ms\": %.4f, \"op_us\": %.3f}", update, op)).toString();
        }
    }

    /** Records the native operators of {@code steps} training steps (after {@code warmup}) with PyTorch's profiler. */
    private void trace(String modelName, String optimizer, int warmup, int steps, String file) {
        try (BenchModel model = BenchModel.create(modelName, 1)) {
            fit(model, optimizer, 1)
                    .data(batches(model, 1))
                    .steps(warmup + steps)
                    .logEvery(warmup + steps)
                    .quiet()
                    .afterStep(step -> {
                        if (step == warmup) {
                            JniUtils.startProfile(false, false, false);
                        } else if (step == warmup + steps) {
                            JniUtils.stopProfile(file);
                        }
                    })
                    .run();
        }
    }

    /** Trains for {@code steps} steps and samples the process's resident memory every {@code every} steps. */
    private String memory(String modelName, String optimizer, int steps, int every) {
        StringBuilder json = new StringBuilder("{\"rss_mb\": [");
        try (BenchModel model = BenchModel.create(modelName, 1)) {
            fit(model, optimizer, 1)
                    .data(batches(model, 1))
                    .steps(steps)
                    .logEvery(every)
                    .quiet()
                    .afterStep(step -> {
                        if (step % every == 0) {
                            json.append(String.format(Locale.ROOT, "%s%.1f", step == every ? "" : ", ", residentMb()));
                        }
                    })
                    .run();
        }
        return json.append("]}").toString();
    }

    /** @return this process's resident set size from {@code /proc/self/status}, in MiB */
    private static double residentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
            throw new IllegalStateException("no VmRSS line in /proc/self/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The floor under any JShell-based kernel's trivial-cell round trip: a bare {@link JShell} (local execution, as
     * the repro4j kernel uses) evaluating {@code 1 + 1}, i.e. javac compiling and loading one snippet class.
     */
    private static String jshellFloor(int calls) {
        long start = System.nanoTime();
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            shell.eval("1 + 1");
            double first = (System.nanoTime() - start) / 1e6;
            double[] times = new double[calls];
            for (int call = -10; call < calls; call++) {
                long t = System.nanoTime();
                shell.eval("1 + 1");
                if (call >= 0) {
                    times[call] = (System.nanoTime() - t) / 1e6;
                }
            }
            return String.format(Locale.ROOT, "{\"ms\": %.3f, \"first_ms\": %.1f}", median(times), first);
        }
    }

    private static Fit fit(BenchModel model, String optimizer, long seed) {
        return Fit.of(model.block)
                .optimizer(optimizer.equals("sgd") ? Optimizer.sgd(0.05) : Optimizer.adam(1e-3))
                .seed(seed);
    }

    private Batches batches(BenchModel model, long seed) {
        if (model.isLanguageModel()) {
            return lmBatches(LM_BATCH, seed);
        }
        return model.name.equals("mlp-tiny") ? Batches.shuffled(middleRow, data.labels, TINY_BATCH, seed)
                : Batches.shuffled(data.images, data.labels, IMAGE_BATCH, seed);
    }

    /** @return wall-clock and CPU milliseconds per evaluation-mode forward pass after {@code warmup} calls */
    private String infer(String modelName, int batch, int warmup, int calls) {
        Stopwatch stopwatch = new Stopwatch(calls);
        Random random = new Random(1);
        try (BenchModel model = BenchModel.create(modelName, 1)) {
            LmBatches windows = model.isLanguageModel() ? new LmBatches(data.tokens, batch, BenchModel.CONTEXT) : null;
            for (int call = -warmup; call < calls; call++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = windows != null ? windows.random(random).toNDList(scope).get(0)
                            : data.images.get(scope, new NDIndex("0:{}", batch));
                    stopwatch.start();
                    model.block.forward(new ParameterStore(scope, false), new NDList(x), false);
                    stopwatch.stop(call >= 0);
                }
            }
        }
        return stopwatch.json();
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
