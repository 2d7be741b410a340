using System.Diagnostics;
using System.Text;

namespace MusicLM.Kernel.Tests;

/// <summary>
/// Runs jupyter_kernel_test's suite (conformance/test_kernel_conformance.py) against the kernel,
/// through a kernelspec installed by environment/install-kernel.sh into a temporary prefix, so the
/// user's own kernelspecs play no part.
/// </summary>
[Collection("kernel")]
public sealed class ConformanceTests
{
    private static (int Code, string Output) RunProcess(string file, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? env = null, int timeoutMs = 300_000)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(true);
            return (-1, output + "\n(timed out)");
        }
        p.WaitForExit();
        lock (output) return (p.ExitCode, output.ToString());
    }

    [Fact]
    public void Jupyter_kernel_test_suite_passes()
    {
        var prefix = Directory.CreateTempSubdirectory("musiclm-kernelspec-").FullName;
        try
        {
            var install = RunProcess("bash", [Path.Combine(Paths.RepositoryRoot, "environment", "install-kernel.sh"), "--prefix", prefix], Paths.RepositoryRoot);
            Assert.True(install.Code == 0, install.Output);

            var suite = Path.Combine(AppContext.BaseDirectory, "conformance", "test_kernel_conformance.py");
            var env = new Dictionary<string, string>
            {
                ["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter"),
                ["JUPYTER_RUNTIME_DIR"] = Path.Combine(prefix, "runtime"),
                ["CONFIGURATION"] = Paths.Configuration, // the wrapper runs the kernel of the configuration under test
                ["PYTHONDONTWRITEBYTECODE"] = "1",
            };
            var (code, output) = RunProcess("/usr/bin/python3", ["-m", "unittest", "-v", suite], Path.GetDirectoryName(suite)!, env);
            Assert.True(code == 0, $"jupyter_kernel_test failed (exit {code}):\n{output}");
            Assert.Contains("OK", output);
            Assert.DoesNotContain("test_execute_stdout ... skipped", output);
        }
        finally
        {
            try { Directory.Delete(prefix, true); } catch (IOException) { }
        }
    }
}
