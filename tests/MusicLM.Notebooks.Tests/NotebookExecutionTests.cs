using System.Diagnostics;
using System.Text.Json.Nodes;

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
        await RunAsync(name, seed: null, check: null);
    }

    /// <summary>
    /// With an EnCodec checkpoint in the data folder (made during the test by the PyTorch reference implementation,
    /// official key names and shapes, random weights), notebook 02's last section loads it and plays its output.
    /// </summary>
    [Fact]
    public async Task Notebook_02_plays_a_pretrained_EnCodec_checkpoint_found_in_the_data_folder()
    {
        await RunAsync("02-neural-codec.ipynb", seed: data =>
        {
            var weights = Directory.CreateDirectory(Path.Combine(data, "weights")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(data, "reference")).FullName;
            var script = Path.Combine(NotebookFiles.RepoRoot, "tests", "MusicLM.Tests", "Codec", "encodec_reference.py");
            var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", new[] { script, "roundtrip", work }) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, "the reference EnCodec checkpoint could not be made:\n" + output);
            File.Move(Path.Combine(work, "model.th"), Path.Combine(weights, "encodec_24khz-d7cc33bc.th"));
        }, check: executed =>
        {
            var cell = executed["cells"]!.AsArray().Single(c => c!["cell_type"]!.GetValue<string>() == "code" && Source(c!).Contains("EncodecImport.Load"))!;
            var text = string.Join("\n", cell["outputs"]!.AsArray().Select(o => o!["data"]?["text/html"]?.ToString() ?? o!["text"]?.ToString() ?? ""));
            Assert.DoesNotContain("No pretrained EnCodec", text);
            Assert.Contains("EnCodec 6 kbps", text);
            Assert.Equal(3, CountOf(text, "data:audio/wav;base64,"));
        });
    }

    private static string Source(JsonNode cell) => cell["source"] is JsonArray a ? string.Concat(a.Select(l => l!.GetValue<string>())) : cell["source"]!.GetValue<string>();

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static async Task RunAsync(string name, Action<string>? seed, Action<JsonNode>? check)
    {
        var data = Directory.CreateTempSubdirectory("musiclm-nb-").FullName;
        try
        {
            var install = Process.Start(new ProcessStartInfo("bash", new[] { Path.Combine(NotebookFiles.RepoRoot, "environment", "install-kernel.sh"), "--prefix", data })
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var installOut = install.StandardOutput.ReadToEnd() + install.StandardError.ReadToEnd();
            install.WaitForExit();
            Assert.True(install.ExitCode == 0, "installing the kernelspec failed:\n" + installOut);
            seed?.Invoke(data);
            var executed = Path.Combine(data, "executed.ipynb");
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "run_notebook.py"));
            psi.ArgumentList.Add(Path.Combine(NotebookFiles.NotebookDir, name));
            psi.ArgumentList.Add("--timeout");
            psi.ArgumentList.Add("300");
            psi.ArgumentList.Add("--out");
            psi.ArgumentList.Add(executed);
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
            check?.Invoke(JsonNode.Parse(File.ReadAllText(executed))!);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
