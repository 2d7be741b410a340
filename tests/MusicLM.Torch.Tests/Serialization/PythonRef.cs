using System.Diagnostics;

namespace MusicLM.Torch.Tests.Serialization;

/// <summary>
/// Runs a reference script with Debian's Python, which has PyTorch 1.13 (the pyenv `python3` on
/// PATH has no torch, hence the absolute path). Expected values in the tests come from here, not
/// from the code under test.
/// </summary>
internal static class PythonRef
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; returns stdout, fails the test on a non-zero exit.</summary>
    public static string Run(string script, params string[] args)
    {
        var file = Path.Combine(Path.GetTempPath(), $"mlt-ser-{Guid.NewGuid():N}.py");
        File.WriteAllText(file, script);
        try
        {
            var psi = new ProcessStartInfo(Python)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(file);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["OMP_NUM_THREADS"] = "1";
            using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(120_000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException("reference python script did not finish in 120 s");
            }
            if (p.ExitCode != 0)
                throw new Xunit.Sdk.XunitException($"reference python script failed (exit {p.ExitCode}):\n{stderr.Result}\n{stdout}");
            return stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
