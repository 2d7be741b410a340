using System.Diagnostics;

namespace MusicLM.Notebooks.Tests;

/// <summary>
/// Runs every notebook top to bottom in quick mode with the installed musiclm-csharp kernel, as a
/// student would (nbclient drives the real kernel over the Jupyter protocol).
/// </summary>
public class NotebookExecutionTests
{
    [Theory]
    [MemberData(nameof(NotebookFiles.All), MemberType = typeof(NotebookFiles))]
    public void Notebook_runs_top_to_bottom_in_quick_mode(string name)
    {
        var data = Directory.CreateTempSubdirectory("musiclm-nb-").FullName;
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "run_notebook.py"));
            psi.ArgumentList.Add(Path.Combine(NotebookFiles.NotebookDir, name));
            psi.ArgumentList.Add("--timeout");
            psi.ArgumentList.Add("300");
            psi.Environment["MUSICLM_QUICK"] = "1";
            psi.Environment["MUSICLM_DATA"] = data;
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(900_000))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"{name} did not finish in 15 minutes");
            }
            Assert.True(p.ExitCode == 0, $"{name} failed:\n{stdout}\n{stderr.Result}");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
