package org.repro4j.analysis;

import java.util.Arrays;

/**
 * The linear assignment problem: match the rows of a square score matrix one-to-one to its columns so the total
 * score is as large as possible, solved exactly by the Hungarian method in {@code O(n³)} (Kuhn, 1955, "The Hungarian
 * Method for the Assignment Problem", Naval Research Logistics Quarterly; the shortest-augmenting-path form with
 * potentials). Aligning the neurons of two networks before averaging them is such a matching (Ainsworth, Hayase
 * &amp; Srinivasa, 2023, "Git Re-Basin: Merging Models modulo Permutation Symmetries", ICLR, arXiv 2209.04836).
 */
public final class Assignment {

    private Assignment() {}

    /**
     * @param score {@code [n, n]}, e.g. similarities between the neurons of two layers
     * @return {@code match} with row {@code i} assigned column {@code match[i]}, a permutation maximising
     *     {@code Σ_i score[i][match[i]]}
     * @throws IllegalArgumentException if the matrix is not square or holds a non-finite entry
     */
    public static int[] maximize(double[][] score) {
        int n = score.length;
        double[][] cost = new double[n][];
        for (int i = 0; i < n; i++) {
            if (score[i].length != n) {
                throw new IllegalArgumentException("assignment needs a square matrix; row " + i + " has "
                        + score[i].length + " entries for " + n + " rows");
            }
            cost[i] = new double[n];
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(score[i][j])) {
                    throw new IllegalArgumentException("score (" + i + ", " + j + ") is " + score[i][j]);
                }
                cost[i][j] = -score[i][j];
            }
        }
        return minimizeCost(cost);
    }

    /** Rows and columns are 1-based inside, with 0 as the virtual start column of each augmenting path. */
    private static int[] minimizeCost(double[][] cost) {
        int n = cost.length;
        double[] rowPotential = new double[n + 1];
        double[] columnPotential = new double[n + 1];
        int[] rowOfColumn = new int[n + 1];
        int[] way = new int[n + 1];
        for (int row = 1; row <= n; row++) {
            rowOfColumn[0] = row;
            int column = 0;
            double[] slack = new double[n + 1];
            Arrays.fill(slack, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[n + 1];
            do {
                used[column] = true;
                int current = rowOfColumn[column];
                double delta = Double.POSITIVE_INFINITY;
                int next = 0;
                for (int j = 1; j <= n; j++) {
                    if (!used[j]) {
                        double reduced = cost[current - 1][j - 1] - rowPotential[current] - columnPotential[j];
                        if (reduced < slack[j]) {
                            slack[j] = reduced;
                            way[j] = column;
                        }
                        if (slack[j] < delta) {
                            delta = slack[j];
                            next = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        rowPotential[rowOfColumn[j]] += delta;
                        columnPotential[j] -= delta;
                    } else {
                        slack[j] -= delta;
                    }
                }
                column = next;
            } while (rowOfColumn[column] != 0);
            do {
                int previous = way[column];
                rowOfColumn[column] = rowOfColumn[previous];
                column = previous;
            } while (column != 0);
        }
        int[] match = new int[n];
        for (int j = 1; j <= n; j++) {
            match[rowOfColumn[j] - 1] = j - 1;
        }
        return match;
    }
}
