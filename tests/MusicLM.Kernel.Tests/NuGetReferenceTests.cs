using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MusicLM.Kernel.Tests;

/// <summary>
/// <c>#r "nuget: …"</c> for packages with dependencies, restored through this machine's NuGet sources (the
/// packages are in its package cache: tests/MusicLM.Interactive.Tests references them), and their values
/// displayed by the toolkit's bring-your-own display.
/// </summary>
[Collection("kernel")]
public sealed class NuGetReferenceTests : IClassFixture<NuGetReferenceTests.Kernel>
{
    // A restore runs dotnet on a throw-away project: seconds, more on a loaded machine.
    private const double RestoreSeconds = 240;

    private readonly KernelProcess _k;

    public NuGetReferenceTests(Kernel kernel) => _k = kernel.Process;

    /// <summary>A kernel of these tests' own, so the packages they load stay out of the shared one.</summary>
    public sealed class Kernel : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("musiclm-kernel-nugetref-").FullName;

        public Kernel() => Process = new KernelProcess(_dir);

        public KernelProcess Process { get; }

        public void Dispose()
        {
            Process.Dispose();
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }
    }

    private static string ToolkitDll { get; } =
        Path.Combine(Paths.RepositoryRoot, "lib", "MusicLM.Interactive", "bin", Paths.Configuration, "net10.0", "MusicLM.Interactive.dll");

    private (JsonObject Reply, List<Protocol.JupyterMessage> Outputs) RunOk(string code)
    {
        var (reply, outputs) = _k.Run(code, RestoreSeconds);
        Assert.True(reply.Content["status"]?.GetValue<string>() == "ok",
            $"cell failed:\n{code}\n{reply.Content.ToJsonString()}\n{string.Join("\n", outputs.Select(o => o.Content.ToJsonString()))}");
        return (reply.Content, outputs);
    }

    private static JsonObject Result(List<Protocol.JupyterMessage> outputs) =>
        outputs.Single(o => o.MsgType == "execute_result").Content["data"]!.AsObject();

    [Fact]
    public void Plotly_NET_chart_from_a_nuget_reference_displays_as_our_figure()
    {
        Assert.True(File.Exists(ToolkitDll), $"build the solution first: {ToolkitDll}");
        // Plotly.NET binds FSharp.Core, DynamicObj, Giraffe.ViewEngine, Fable.Core and Newtonsoft.Json too.
        RunOk("#r \"nuget: Plotly.NET, 6.0.0\"");
        Assert.Equal("6.0.0.0", _k.Eval("typeof(Plotly.NET.GenericChart).Assembly.GetName().Version!.ToString()"));
        RunOk($"#r \"{ToolkitDll}\"\n_ = MusicLM.Interactive.Display.ToBundle(0);"); // the toolkit registers its formatter on first use
        // Plotly.NET 6's own Chart.Point has F# optional parameters C# must all pass; Plotly.NET.CSharp is its C# face.
        var (_, outputs) = RunOk("""
            #r "nuget: Plotly.NET.CSharp, 0.14.0"
            using Plotly.NET.CSharp;
            var chart = Chart.Point<int, int, string>(x: new[] { 1, 2, 3 }, y: new[] { 4, 5, 6 });
            chart
            """);
        var html = Result(outputs)["text/html"]!.GetValue<string>();
        Assert.Contains("musiclm-plot", html);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
        // The figure JSON in our div carries the chart's points.
        Assert.Matches(new Regex(@"""y""\s*:\s*\[\s*4\s*,\s*5\s*,\s*6\s*\]"), html.Replace("&quot;", "\""));
        // The chart stays a variable of the session.
        Assert.Equal("Plotly.NET.GenericChart", _k.Eval("chart.GetType().BaseType!.FullName"));
    }

    [Fact]
    public void DataFrame_from_a_nuget_reference_displays_as_a_table()
    {
        Assert.True(File.Exists(ToolkitDll), $"build the solution first: {ToolkitDll}");
        RunOk($"#r \"{ToolkitDll}\"\n_ = MusicLM.Interactive.Display.ToBundle(0);");
        var (_, outputs) = RunOk("""
            #r "nuget: Microsoft.Data.Analysis, 0.23.1"
            using Microsoft.Data.Analysis;
            var frame = new DataFrame(
                new StringDataFrameColumn("clip", new[] { "kick", "snare" }),
                new PrimitiveDataFrameColumn<double>("tempo", new[] { 120.5, 98.25 }));
            frame
            """);
        var html = Result(outputs)["text/html"]!.GetValue<string>();
        Assert.Contains("<table", html);
        foreach (var cell in new[] { "clip", "tempo", "kick", "snare", "120.5", "98.25" }) Assert.Contains(cell, html);
    }

    [Fact]
    public void Two_nuget_references_in_one_cell_both_bind()
    {
        // Each depends on FSharp.Core, in different versions (5.0.0 and 10.1.300).
        var (_, outputs) = RunOk("""
            #r "nuget: Giraffe.ViewEngine, 1.4.0"
            #r "nuget: DynamicObj, 8.0.0"
            var o = new DynamicObj.DynamicObj();
            o.SetProperty("tempo", 120);
            Giraffe.ViewEngine.RenderView.AsString.htmlNode(Giraffe.ViewEngine.HtmlElements.str.Invoke("a<b")) + " " + o.GetPropertyValue("tempo")
            """);
        Assert.Equal("a&lt;b 120", Result(outputs)["text/plain"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("MusicLM.Surely.Not.A.Package, 0.0.1", "MusicLM.Surely.Not.A.Package")]
    [InlineData("Newtonsoft.Json, 999.0.0", "999.0.0")]
    public void Unknown_package_or_version_is_a_restore_error_naming_it_and_the_session_goes_on(string package, string named)
    {
        RunOk("var kept = 41;");
        var (reply, outputs) = _k.Run($"#r \"nuget: {package}\"\nkept = 0;", RestoreSeconds);
        Assert.Equal("error", reply.Content["status"]!.GetValue<string>());
        Assert.Equal("NuGetRestoreError", reply.Content["ename"]!.GetValue<string>());
        Assert.Contains(named, reply.Content["evalue"]!.GetValue<string>());
        var error = outputs.Single(o => o.MsgType == "error");
        Assert.Contains(named, string.Join("\n", error.Content["traceback"]!.AsArray().Select(l => l!.GetValue<string>())));
        Assert.False(_k.Process.HasExited);
        Assert.Equal("42", _k.Eval("kept + 1")); // the failed cell ran none of its code
    }
}
