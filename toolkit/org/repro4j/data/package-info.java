/**
 * Datasets, verified and ready for models: real data read from the datasets cache, plus the batching that turns it
 * into DJL arrays.
 *
 * <ul>
 *   <li>{@link org.repro4j.data.FashionMnist} — 70 000 28×28 clothing images in 10 classes (Xiao et al. 2017),
 *       returned as {@link org.repro4j.data.LabeledImages}: plain float arrays, DJL datasets
 *       ({@link org.repro4j.data.InMemoryBatches}) with {@code [batch, 784]} or {@code [batch, 1, 28, 28]} images, seeded subsets and class-subset / relabelled
 *       variants. Parsed by {@link org.repro4j.data.IdxReader}.</li>
 *   <li>{@link org.repro4j.data.BrownCorpus} — 500 POS-tagged texts in 15 genres (Francis &amp; Kučera
 *       1964/1979): documents, sentences, {@link org.repro4j.data.TaggedWord}s, genre labels and seeded document
 *       splits; {@link org.repro4j.data.Vocab} (top-k + {@code <unk>}) and {@link org.repro4j.data.LmBatches}
 *       for language-model batches {@code [batch, seq]}; {@link org.repro4j.data.BigramTable}, the smoothed bigram
 *       model of a token stream (next-token distributions and surprisal).</li>
 * </ul>
 *
 * <p>Every file is checked against the sha256 in {@link org.repro4j.data.DatasetManifest} (once per JVM). A missing
 * dataset raises {@link org.repro4j.data.DatasetMissingException} naming {@code ./repro setup}; a damaged file
 * raises {@link org.repro4j.data.DatasetCorruptException} naming the file and what was wrong.
 */
package org.repro4j.data;
