package org.repro4j.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Clustering of small point sets (hundreds of points, dimensions in the thousands at most), seeded so the same seed
 * gives the same clusters.
 *
 * <ul>
 *   <li>{@link #kMeans} — Lloyd's algorithm from k-means++ seeds (Arthur &amp; Vassilvitskii, 2007, "k-means++:
 *       The Advantages of Careful Seeding", SODA), optionally with clusters of equal size: each assignment step
 *       then gives points to their nearest centroid in order of distance until a cluster is full (a greedy
 *       balanced assignment, as used to cut an FFN into experts of one width);</li>
 *   <li>{@link #spectral} — normalised spectral clustering of an affinity matrix (Ng, Jordan &amp; Weiss, 2001,
 *       "On Spectral Clustering: Analysis and an Algorithm", NeurIPS): the eigenvectors of the {@code k} largest
 *       eigenvalues of {@code D^{−1/2} A D^{−1/2}}, rows scaled to unit length, then k-means.</li>
 * </ul>
 */
public final class Clustering {

    private static final int MAX_ITERATIONS = 100;

    private Clustering() {}

    /**
     * @param points {@code n} points of one dimension, row = point
     * @param k number of clusters, {@code 1 ≤ k ≤ n}
     * @param seed seed of the k-means++ draws
     * @param equalSizes whether every cluster must hold {@code n/k} points ({@code n} must then be a multiple of
     *     {@code k})
     * @return the cluster of each point, in {@code [0, k)}; every cluster non-empty
     * @throws IllegalArgumentException if {@code k} is out of range, the points are ragged, or equal sizes are
     *     asked of an {@code n} that {@code k} does not divide
     */
    public static int[] kMeans(double[][] points, int k, long seed, boolean equalSizes) {
        int n = points.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k-means needs 1 ≤ k ≤ number of points; got k = " + k + " for " + n
                    + " points");
        }
        Matrices.checkRectangular(points, "points");
        if (equalSizes && n % k != 0) {
            throw new IllegalArgumentException("equal-size clusters need the number of points (" + n
                    + ") to be a multiple of k (" + k + ")");
        }
        double[][] centroids = plusPlusSeeds(points, k, new Random(seed));
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[][] distances = new double[n][k];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < k; c++) {
                    distances[i][c] = squaredDistance(points[i], centroids[c]);
                }
            }
            int[] next = equalSizes ? balancedAssignment(distances, n / k) : nearestNonEmpty(distances);
            if (Arrays.equals(next, labels)) {
                break;
            }
            labels = next;
            centroids = centroidsOf(points, labels, k, centroids);
        }
        return labels;
    }

    /**
     * @param affinity symmetric, non-negative similarities {@code [n, n]} (larger = more alike)
     * @param k number of clusters, {@code 1 ≤ k ≤ n}
     * @param seed seed of the final k-means
     * @return the cluster of each point, in {@code [0, k)}
     * @throws IllegalArgumentException if the matrix is not square and symmetric with non-negative entries, or
     *     {@code k} is out of range
     */
    public static int[] spectral(double[][] affinity, int k, long seed) {
        int n = affinity.length;
        for (int i = 0; i < n; i++) {
            if (affinity[i].length != n) {
                throw new IllegalArgumentException("the affinity matrix must be square [n, n]; row " + i + " has "
                        + affinity[i].length + " entries for n = " + n);
            }
            for (int j = 0; j < n; j++) {
                if (!(affinity[i][j] >= 0) || Math.abs(affinity[i][j] - affinity[j][i]) > 1e-9) {
                    throw new IllegalArgumentException("the affinity matrix must be symmetric and non-negative;"
                            + " entry (" + i + ", " + j + ") is " + affinity[i][j] + " and (" + j + ", " + i
                            + ") is " + affinity[j][i]);
                }
            }
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("spectral clustering needs 1 ≤ k ≤ n; got k = " + k + ", n = " + n);
        }
        double[] inverseRoot = new double[n];
        for (int i = 0; i < n; i++) {
            double degree = Arrays.stream(affinity[i]).sum();
            inverseRoot[i] = degree > 0 ? 1 / Math.sqrt(degree) : 0;
        }
        DMatrixRMaj normalized = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                normalized.set(i, j, inverseRoot[i] * affinity[i][j] * inverseRoot[j]);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(normalized)) {
            throw new IllegalStateException("the eigendecomposition of the normalised affinity did not converge");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -eig.getEigenvalue(i).getReal()));
        double[][] embedding = new double[n][k];
        for (int c = 0; c < k; c++) {
            DMatrixRMaj vector = eig.getEigenVector(order.get(c));
            for (int i = 0; i < n; i++) {
                embedding[i][c] = vector.get(i, 0);
            }
        }
        for (double[] row : embedding) {
            double norm = Math.sqrt(Arrays.stream(row).map(v -> v * v).sum());
            if (norm > 0) {
                for (int c = 0; c < k; c++) {
                    row[c] /= norm;
                }
            }
        }
        return kMeans(embedding, k, seed, false);
    }

    private static double[][] plusPlusSeeds(double[][] points, int k, Random rng) {
        int n = points.length;
        double[][] centroids = new double[k][];
        centroids[0] = points[rng.nextInt(n)].clone();
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], squaredDistance(points[i], centroids[c - 1]));
                total += nearest[i];
            }
            int pick = 0;
            if (total > 0) {
                double u = rng.nextDouble() * total;
                while (pick < n - 1 && (u -= nearest[pick]) >= 0) {
                    pick++;
                }
            } else {
                pick = rng.nextInt(n); // all points coincide with a seed: any point will do
            }
            centroids[c] = points[pick].clone();
        }
        return centroids;
    }

    /** Nearest centroid; a cluster left empty takes the point farthest from its own centroid. */
    private static int[] nearestNonEmpty(double[][] distances) {
        int n = distances.length;
        int k = distances[0].length;
        int[] labels = new int[n];
        int[] size = new int[k];
        for (int i = 0; i < n; i++) {
            for (int c = 1; c < k; c++) {
                if (distances[i][c] < distances[i][labels[i]]) {
                    labels[i] = c;
                }
            }
            size[labels[i]]++;
        }
        for (int c = 0; c < k; c++) {
            if (size[c] == 0) {
                int farthest = -1;
                for (int i = 0; i < n; i++) {
                    if (size[labels[i]] > 1 && (farthest < 0
                            || distances[i][labels[i]] > distances[farthest][labels[farthest]])) {
                        farthest = i;
                    }
                }
                size[labels[farthest]]--;
                labels[farthest] = c;
                size[c] = 1;
            }
        }
        return labels;
    }

    private static int[] balancedAssignment(double[][] distances, int capacity) {
        int n = distances.length;
        int k = distances[0].length;
        Integer[] byDistance = new Integer[n * k];
        for (int p = 0; p < n * k; p++) {
            byDistance[p] = p;
        }
        Arrays.sort(byDistance, Comparator.comparingDouble(p -> distances[p / k][p % k]));
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        int[] size = new int[k];
        for (int p : byDistance) {
            int point = p / k;
            int cluster = p % k;
            if (labels[point] < 0 && size[cluster] < capacity) {
                labels[point] = cluster;
                size[cluster]++;
            }
        }
        return labels;
    }

    /** An emptied cluster keeps its old centroid, so it can win points back next round. */
    private static double[][] centroidsOf(double[][] points, int[] labels, int k, double[][] previous) {
        int dim = points[0].length;
        double[][] sums = new double[k][dim];
        int[] counts = new int[k];
        for (int i = 0; i < points.length; i++) {
            counts[labels[i]]++;
            for (int j = 0; j < dim; j++) {
                sums[labels[i]][j] += points[i][j];
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                sums[c] = previous[c].clone();
            } else {
                for (int j = 0; j < dim; j++) {
                    sums[c][j] /= counts[c];
                }
            }
        }
        return sums;
    }

    private static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
