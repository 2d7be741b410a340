using System.Diagnostics;

namespace MusicLM.Notebooks.Tests;

/// <summary>
/// Runs every notebook top to bottom in quick mode with the musiclm-csharp kernel of this checkout, as
/// a student would (nbclient drives the real kernel over the Jupyter protocol). The kernelspec is
/// installed into a temporary prefix first, so the test never runs another checkout's kernel.
/// </summary>
public class NotebookExecutionTests
{
    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public async Task Notebook_runs_top_to_bottom_in_quick_mode(string name)
    {
        var data = Directory.CreateTempSubdirectory("musiclm-nb-").FullName;
        try
        {
            var install = Process.Start(new ProcessStartInfo("bash", new[] { Path.Combine(NotebookFiles.RepoRoot, "environment", "install-kernel.sh"), "--prefix", data })
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var installOut = install.StandardOutput.ReadToEnd() + install.StandardError.ReadToEnd();
            install.WaitForExit();
            Assert.True(install.ExitCode == 0, "installing the kernelspec failed:\n" + installOut);
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "run_notebook.py"));
            psi.ArgumentList.Add(Path.Combine(NotebookFiles.NotebookDir, name));
            psi.ArgumentList.Add("--timeout");
            psi.ArgumentList.Add("300");
            psi.Environment["MUSICLM_QUICK"] = "1";
            psi.Environment["MUSICLM_DATA"] = data;
            psi.Environment["JUPYTER_PATH"] = Path.Combine(data, "share", "jupyter");
            psi.Environment["JUPYTER_RUNTIME_DIR"] = Path.Combine(data, "runtime");
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(900_000))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"{name} did not finish in 15 minutes");
            }
            Assert.True(p.ExitCode == 0, $"{name} failed:\n{stdout}\n{await stderr}");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
