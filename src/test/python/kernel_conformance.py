"""jupyter_kernel_test's protocol conformance suite for the repro4j kernel (kernelspec "java").

Run with JUPYTER_PATH pointing at the installed kernelspec:
    /usr/bin/python3 -m unittest -v kernel_conformance
Every sample attribute is filled except the pager (jjava's BaseKernel cannot send payloads).
"""

import unittest

import jupyter_kernel_test


class ReproJavaKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "java"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'
    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"con" + "cat"', "result": "concat"},
        {"code": "java.util.List.of(1, 2)", "result": "[1, 2]"},
    ]
    code_display_data = [
        {"code": 'display("<b>bold</b>", "text/html");', "mime": "text/html"},
        {"code": "display(new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
    ]

    completion_samples = [
        {"text": "Math.ma", "matches": {"max("}},
        {"text": 'String s = ""; s.isEm', "matches": {"isEmpty()"}},
        {"text": "%jar", "matches": {"jars"}},
    ]
    complete_code_samples = ["1 + 1", "int x = 1;", "class A {}", "%time 1 + 1"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "class B {", "int f(int a) {"]
    invalid_code_samples = ["int x = ;", ")", "}"]

    code_inspect_sample = "Math.max("
    code_clear_output = "clearOutput();"

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 * ?"


if __name__ == "__main__":
    unittest.main()
