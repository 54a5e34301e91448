package org.repro4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CodeAssistTest {

    private static Evaluator evaluator;
    private static CodeAssist assist;

    @BeforeAll
    static void start() {
        evaluator = new Evaluator();
        assist = new CodeAssist(evaluator.jshell().sourceCodeAnalysis());
    }

    @AfterAll
    static void close() {
        evaluator.close();
    }

    @Test
    void completeCodeIsComplete() {
        assertEquals(BaseKernel.IS_COMPLETE_YES, assist.isComplete("int x = 1;\nint y = x + 1;"));
        assertEquals(BaseKernel.IS_COMPLETE_YES, assist.isComplete("%time\n1 + 1"));
        assertEquals(BaseKernel.IS_COMPLETE_YES, assist.isComplete("%%time\nfor (;;) {"));
    }

    @Test
    void unclosedBlockAsksForAnIndentedLine() {
        assertEquals("    ", assist.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("        ", assist.isComplete("class A {\n  void m() {"));
    }

    @Test
    void codeJShellCannotClassifyIsInvalidNotComplete() {
        // Completeness.UNKNOWN reports isComplete() == true; the kernel must still call it invalid.
        for (String bad : new String[] {"int x = ;", ")", "}", "\"abc"}) {
            assertEquals(BaseKernel.IS_COMPLETE_BAD, assist.isComplete(bad), bad);
        }
    }

    @Test
    void completesMembersAndMagicNames() {
        ReplacementOptions math = assist.complete("int a = 1;\nMath.ma", "int a = 1;\nMath.ma".length());
        assertTrue(math.getReplacements().contains("max("), math.getReplacements().toString());
        assertEquals("int a = 1;\nMath.".length(), math.getSourceStart());
        String declaredEarlier = "String s = \"\"; s.isEm";
        assertEquals(java.util.List.of("isEmpty()"),
                assist.complete(declaredEarlier, declaredEarlier.length()).getReplacements());
        ReplacementOptions magic = assist.complete("%cla", 4);
        assertEquals(java.util.List.of("classpath"), magic.getReplacements());
        assertEquals(1, magic.getSourceStart());
        assertNull(assist.complete("%zzz", 4));
    }

    @Test
    void documentationGivesSignatures() {
        String doc = assist.documentation("Math.max(", "Math.ma".length());
        assertNotNull(doc);
        assertTrue(doc.contains("max(int") || doc.contains("max(int,"), doc);
        String later = assist.documentation("int a = 1;\nMath.max(a, 2)", "int a = 1;\nMath.ma".length());
        assertNotNull(later, "documentation of a statement after another one");
        String bare = assist.documentation("System.out.println", 16);
        assertNotNull(bare, "a bare method name is looked up as a call");
        assertTrue(bare.contains("println("), bare);
    }
}
