using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MusicLM.Interactive.Tests;

/// <summary>
/// What environment/install-kernel.sh installs for figures: the kernelspec's plotly.min.js (served to live
/// notebooks) and the nbconvert preprocessor that puts plotly.js once into an HTML export. Each test installs
/// into its own prefix and points Jupyter at it (JUPYTER_PATH, JUPYTER_CONFIG_DIR), never at the user's setup.
/// </summary>
public sealed class ExportTests : IDisposable
{
    private const string Banner = "* plotly.js v";
    private readonly string prefix = Directory.CreateTempSubdirectory("musiclm-export-").FullName;

    public void Dispose() => Directory.Delete(prefix, true);

    private static string RepoRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "MusicLMNotebooks.sln"))) return d.FullName;
            throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    private static (int Code, string Output) Run(string file, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    private void Install()
    {
        var (code, output) = Run("bash", new[] { Path.Combine(RepoRoot, "environment", "install-kernel.sh"), "--prefix", prefix });
        Assert.True(code == 0, "install-kernel.sh failed:\n" + output);
    }

    private string Export(JsonObject notebook)
    {
        var path = Path.Combine(prefix, "nb.ipynb");
        File.WriteAllText(path, notebook.ToJsonString());
        var env = new Dictionary<string, string>
        {
            ["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter"),
            ["JUPYTER_CONFIG_DIR"] = Path.Combine(prefix, "etc", "jupyter"),
            ["JUPYTER_RUNTIME_DIR"] = Path.Combine(prefix, "runtime"),
        };
        var (code, output) = Run("/usr/bin/python3", new[] { "-m", "nbconvert", "--to", "html", path, "--output-dir", Path.Combine(prefix, "out") }, env);
        Assert.True(code == 0, "nbconvert failed:\n" + output);
        return File.ReadAllText(Path.Combine(prefix, "out", "nb.html"));
    }

    /// <summary>An executed notebook as nbclient writes it: code cells whose outputs are our bundles.</summary>
    private static JsonObject Notebook(params object[] cellValues)
    {
        var cells = new JsonArray { new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = "# figures" } };
        var count = 0;
        foreach (var value in cellValues)
        {
            var bundle = Display.ToBundle(value);
            var data = new JsonObject();
            foreach (var (k, v) in bundle.Data) data[k] = v is JsonNode n ? n.DeepClone() : JsonValue.Create((string)v);
            cells.Add(new JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = ++count, ["metadata"] = new JsonObject(), ["source"] = $"cell {count}",
                ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "display_data", ["data"] = data, ["metadata"] = new JsonObject() }),
            });
        }
        return new JsonObject
        {
            ["nbformat"] = 4, ["nbformat_minor"] = 5, ["cells"] = cells,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "musiclm-csharp", ["display_name"] = "C# (MusicLM)", ["language"] = "csharp" } },
        };
    }

    [Fact]
    public void Kernelspec_serves_the_same_plotly_js_that_is_embedded()
    {
        Install();
        var served = File.ReadAllText(Path.Combine(prefix, "share", "jupyter", "kernels", "musiclm-csharp", "plotly.min.js"));
        Assert.True(served == PlotlyJs.Source, "the kernelspec's plotly.min.js differs from the embedded one");
        Assert.True(File.Exists(Path.Combine(prefix, "share", "jupyter", "kernels", "musiclm-csharp", "musiclm_nbconvert.py")));
        Install();   // a reinstall replaces its block in the config, it does not add a second
        var config = File.ReadAllText(Path.Combine(prefix, "etc", "jupyter", "jupyter_nbconvert_config.py"));
        Assert.Equal(1, JsonOf.Occurrences(config, "musiclm_nbconvert.EmbedPlotly"));
    }

    [Fact]
    public void Html_export_embeds_plotly_once_before_the_first_figure_and_each_figures_data_once()
    {
        Install();
        var line = Plot.Line(new[] { 1.25, 2.5, 3.75 }, "first-figure-7311");
        var heat = Plot.Heatmap(new float[,] { { 0.5f, 0.007316f }, { 2, 3 } }, "second-figure-7312");
        var scatter = Plot.Scatter(new[] { 1.0 }, new[] { 86.425 }, "third-figure-7313", color: "crimson");
        var html = Export(Notebook("hello", line, Table.Of(new[] { new { Name = "a", Value = 1 } }), heat, scatter));
        Assert.Equal(1, JsonOf.Occurrences(html, Banner));
        var library = html.IndexOf(Banner, StringComparison.Ordinal);
        Assert.True(library < html.IndexOf("class=\"musiclm-plot\"", StringComparison.Ordinal), "plotly.js comes after the first figure");
        Assert.Equal(3, JsonOf.Occurrences(html, "/*musiclm-figure*/"));
        // The data once each (titles also name the static picture's alt text, so they are not counted).
        foreach (var unique in new[] { "[1.25,2.5,3.75]", "0.007316", "86.425" })
            Assert.Equal(1, JsonOf.Occurrences(html, unique));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<img [^>]*src=\"data:image/png;base64,"));   // the heatmap's picture, once
        Assert.True(html.Length < PlotlyJs.Source.Length + 600_000, $"the export is {html.Length} characters");
    }

    [Fact]
    public void Html_export_without_figures_carries_no_plotly()
    {
        Install();
        var html = Export(Notebook("no figures here", Table.Of(new[] { 1, 2 })));
        Assert.Equal(0, JsonOf.Occurrences(html, Banner));
        Assert.Contains("no figures here", html);
    }
}
