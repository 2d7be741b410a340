using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using static MusicLM.Interactive.Display;

namespace MusicLM.Interactive.Tests;

/// <summary>
/// Plotly.NET charts and Microsoft.Data.Analysis frames, as a student brings them with #r "nuget: …": the
/// toolkit references neither package (only this test project does) and recognises them by reflection.
/// </summary>
[Collection(ProcessState.Name)]
public class ForeignDisplayTests
{
    [Fact]
    public void Toolkit_does_not_reference_the_packages_it_displays()
    {
        var references = typeof(Display).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.DoesNotContain("Plotly.NET", references);
        Assert.DoesNotContain("Microsoft.Data.Analysis", references);
        Assert.DoesNotContain("FSharp.Core", references);
    }

    [Fact]
    public void Plotly_NET_chart_is_drawn_offline_from_its_figure_json()
    {
        var chart = Plotly.NET.CSharp.Chart.Line<double, double, string>(new[] { 1.0, 2.0, 3.0 }, new[] { 4.0, 1.5, 9.0 }, Name: "loss");
        var bundle = ToBundle(chart);
        var html = bundle.Get("text/html")!;
        var figure = JsonOf.InHtml(html);
        // The chart's own figure JSON, trace for trace (Plotly.NET's writer, not ours, is the reference).
        var expected = JsonNode.Parse(Plotly.NET.GenericChart.toFigureJson(chart))!;
        Assert.True(JsonNode.DeepEquals(expected["data"], figure["data"]), figure["data"]!.ToJsonString());
        Assert.Equal(new[] { 4.0, 1.5, 9.0 }, figure["data"]![0]!["y"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal("loss", figure["data"]![0]!["name"]!.GetValue<string>());
        Assert.Contains("kernelspecs/musiclm-csharp/plotly.min.js", html);   // our loader, not a CDN
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public void Plotly_NET_chart_as_a_cells_last_value_goes_through_the_kernels_formatter_hook()
    {
        ForeignDisplay.Register();
        var format = Assert.IsType<Func<object, IReadOnlyDictionary<string, object>?>>(AppContext.GetData("jupyter.kernel.format_value"));
        var chart = Plotly.NET.CSharp.Chart.Point<double, double, string>(new[] { 1.0 }, new[] { 2.0 });
        var bundle = format(chart)!;
        Assert.Equal(2.0, JsonOf.InHtml((string)bundle["text/html"])["data"]![0]!["y"]![0]!.GetValue<double>());
        Assert.Null(format(new object()));   // not ours: the kernel falls back to ToString()
    }

    [Fact]
    public void DataFrame_is_our_table_with_the_first_rows_and_a_count_of_the_rest()
    {
        var n = 45;
        var frame = new DataFrame(
            new StringDataFrameColumn("clip", Enumerable.Range(0, n).Select(i => $"clip-{i:00}")),
            new PrimitiveDataFrameColumn<double>("tempo", Enumerable.Range(0, n).Select(i => 60.0 + i)),
            new PrimitiveDataFrameColumn<int>("bars", Enumerable.Range(0, n).Select(i => (int?)(i == 1 ? null : i))));
        var bundle = ToBundle(frame);
        var html = bundle.Get("text/html")!;
        Assert.StartsWith("<table class=\"mlt\"", html);
        Assert.Contains(">clip</th>", html);
        Assert.Contains(">tempo</th>", html);
        Assert.Contains(">bars</th>", html);
        Assert.Equal(20, JsonOf.Occurrences(html, "<tr>") - 1);           // header + 20 rows
        Assert.Contains(">clip-19</td>", html);
        Assert.DoesNotContain("clip-20", html);
        Assert.Contains(">79</td>", html);                                  // tempo of row 19
        Assert.Contains("… 25 more rows", html);
        Assert.Contains("<th style=\"text-align:right\">tempo</th>", html);  // numbers right, text left
        Assert.Contains("<th style=\"text-align:left\">clip</th>", html);
        Assert.EndsWith("… 25 more rows", bundle.Get("text/plain"));
    }
}
