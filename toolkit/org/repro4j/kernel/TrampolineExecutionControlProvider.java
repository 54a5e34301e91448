package org.repro4j.kernel;

import java.util.Map;

import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Hands JShell a {@link TrampolineExecutionControl} and remembers it, so the evaluator can claim result objects
 * from the same instance JShell executes with.
 */
final class TrampolineExecutionControlProvider implements ExecutionControlProvider {

    private TrampolineExecutionControl control;

    @Override
    public String name() {
        return "repro4j-local";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        control = new TrampolineExecutionControl();
        return control;
    }

    /**
     * @return the control JShell is executing with
     * @throws IllegalStateException if JShell has not created it yet
     */
    TrampolineExecutionControl control() {
        if (control == null) {
            throw new IllegalStateException("JShell has not started its execution engine yet");
        }
        return control;
    }
}
