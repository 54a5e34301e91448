package org.repro4j.kernel;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one cell: a {@code %%magic} first line hands the whole cell to that magic; otherwise the cell is cut
 * into runs of Java lines, each evaluated by the {@link Evaluator}, and {@code %magic} lines, each run by
 * {@link Magics}, in order. The cell shows the value of its last part.
 *
 * <p>A line is a magic when it starts with {@code %} followed by a known magic name. Elsewhere a line such as
 * {@code %d items} (inside a text block) stays Java; an unknown name on the first line is reported as an error,
 * since that is almost always a mistyped magic.
 */
final class CellRunner implements Magics.Runner {

    private static final Pattern MAGIC_LINE = Pattern.compile("^\\s*%([A-Za-z_]\\w*)(.*)$");
    private static final Pattern CELL_MAGIC = Pattern.compile("^\\s*%%([A-Za-z_]\\w*)(.*)$");

    private final Evaluator evaluator;
    private final Magics magics;

    /**
     * @param evaluator evaluates the Java parts
     * @param magics runs the magic lines
     */
    CellRunner(Evaluator evaluator, Magics magics) {
        this.evaluator = evaluator;
        this.magics = magics;
    }

    /**
     * @param code the cell's text
     * @param cell its execution count
     * @return the value the cell shows, or null
     * @throws org.repro4j.kernel.error.CellFailure if any part fails; later parts do not run
     */
    Evaluator.Result run(String code, int cell) {
        return run(code, cell, 1);
    }

    @Override
    public Evaluator.Result run(String code, int cell, int firstLine) {
        String[] lines = code.split("\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) {
            first++;
        }
        if (first < lines.length) {
            Matcher cellMagic = CELL_MAGIC.matcher(lines[first]);
            if (cellMagic.matches()) {
                String body = String.join("\n", Arrays.asList(lines).subList(first + 1, lines.length));
                return magics.cell(cellMagic.group(1), cellMagic.group(2).strip(), body, this, cell,
                        firstLine + first + 1);
            }
        }
        Evaluator.Result shown = null;
        StringBuilder java = new StringBuilder();
        int javaStart = 0;
        for (int i = 0; i < lines.length; i++) {
            Matcher magic = MAGIC_LINE.matcher(lines[i]);
            boolean known = magic.matches() && Magics.lineMagics().contains(magic.group(1));
            boolean typo = magic.matches() && !known && i == first;
            if (known || typo) {
                if (!java.toString().isBlank()) {
                    shown = evaluator.eval(java.toString(), cell, firstLine + javaStart);
                }
                shown = magics.line(magic.group(1), magic.group(2).strip(), this, cell, firstLine + i);
                java.setLength(0);
                javaStart = i + 1;
            } else {
                java.append(lines[i]).append('\n');
            }
        }
        if (!java.toString().isBlank()) {
            shown = evaluator.eval(java.toString(), cell, firstLine + javaStart);
        }
        return shown;
    }
}
