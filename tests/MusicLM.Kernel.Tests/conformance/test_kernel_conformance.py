"""Conformance of the musiclm-csharp kernel with the Jupyter messaging protocol, checked by
jupyter_kernel_test (Debian: python3-jupyter-kernel-test) through jupyter_client.

Run with Debian's Python and a kernelspec on JUPYTER_PATH (the xunit test ConformanceTests does this):
    JUPYTER_PATH=<prefix>/share/jupyter /usr/bin/python3 -m unittest -v test_kernel_conformance.py
"""

import unittest

import jupyter_kernel_test


class MusicLMCSharpKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "musiclm-csharp"
    language_name = "csharp"
    file_extension = ".cs"

    code_hello_world = 'Console.WriteLine("hello, world");'
    code_stderr = 'Console.Error.WriteLine("some error");'

    completion_samples = [
        {"text": "Console.WriteLi", "matches": {"WriteLine"}},
        {"text": '"x".Len', "matches": {"Length"}},
        {"text": "Math.PI.CompareT", "matches": {"CompareTo"}},
    ]

    complete_code_samples = ["var a = 1;", "Console.WriteLine(1)", "class C { }", ""]
    incomplete_code_samples = ["if (true) {", "var a = ", "void F() {\n  var x = 1;", "var s = @\"abc"]
    invalid_code_samples = ["var x = );", "}"]

    code_generate_error = 'throw new InvalidOperationException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"hello"', "result": "hello"},
        {"code": "Enumerable.Range(1, 4).Sum()", "result": "10"},
    ]

    code_display_data = [
        {"code": 'display("hello, display");', "mime": "text/plain"},
        {
            "code": 'display(new Dictionary<string, object> { ["k"] = 1 });',
            "mime": "text/plain",
        },
    ]

    code_inspect_sample = "Console.WriteLine"

    code_clear_output = "clear_output();"

    # The kernel keeps no history: history_request answers an empty list (the spec allows it),
    # so no history operations are declared and those sub-tests skip.
    supported_history_operations = ()


if __name__ == "__main__":
    unittest.main()
