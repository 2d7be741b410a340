using System.Diagnostics;

namespace MusicLM.Notebooks.Tests;

/// <summary>
/// The workshop server of environment/hub: JupyterHub started on loopback with the course's configuration
/// (accounts and spawner swapped for test ones), one student's server spawned through the hub's REST API,
/// and what that student gets checked: the C# kernel, their own copy of the notebooks, the library and the
/// prepared models linked in, their own MUSICLM_DATA (hub_check.py does the steps and says which failed).
/// </summary>
public class HubTests
{
    [Fact]
    public void A_student_gets_the_kernel_the_notebooks_and_the_prepared_models()
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hub_check.py"));
        psi.ArgumentList.Add(NotebookFiles.RepoRoot);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "the hub check did not finish in 5 minutes:\n" + stdout);
        Assert.True(p.ExitCode == 0, $"the hub check failed (exit {p.ExitCode}):\n{stdout}\n{stderr.Result}");
        Assert.Contains("ok: the student's server stops", stdout);
    }
}
