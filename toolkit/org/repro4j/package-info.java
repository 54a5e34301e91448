/** repro4j: a Jupyter kernel for Java and a toolkit for reproducing machine-learning papers. */
package org.repro4j;
