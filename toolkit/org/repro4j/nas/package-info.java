/**
 * Weight-sharing supernets: one set of weights that holds many models — prefixes of its width and depth — each
 * deployable without retraining (one-shot NAS and many-in-one training):
 * <ul>
 *   <li>{@link org.repro4j.nas.ElasticMlp} and {@link org.repro4j.nas.SubModel} — an {@code Mlp} whose forward
 *       pass runs any width-and-depth prefix on the shared parameters, extracts it as a standalone model, and counts
 *       its parameters and FLOPs (SortedNet's sorted architecture; BigNAS's elastic width and depth).</li>
 * </ul>
 */
package org.repro4j.nas;
