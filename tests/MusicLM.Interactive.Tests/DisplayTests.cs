using System.Text.Json.Nodes;
using MusicLM.TestSupport;
using MusicLM.Torch;
using static MusicLM.Interactive.Display;

namespace MusicLM.Interactive.Tests;

[Collection(ProcessState.Name)]
public class DisplayTests
{
    private const string PlotlyBanner = "plotly.js v";

    private static int Occurrences(string text, string what) => text.Split(what).Length - 1;

    [Fact]
    public void Display_publishes_to_the_kernel_and_update_replaces_by_id()
    {
        using var kernel = new FakeKernel();
        var h = display("hello");
        h.Update(Table.Of(new[] { 1, 2 }));
        Assert.Equal(2, kernel.Published.Count);
        Assert.Equal("hello", kernel.Text(0));
        Assert.False(kernel.Published[0].Update);
        Assert.Equal((h.Id, true), (kernel.Published[1].Id, kernel.Published[1].Update));
        Assert.Contains("<table", (string)kernel.Published[1].Data["text/html"]);
    }

    [Fact]
    public void Extension_method_displays_too_and_figures_send_json_nodes()
    {
        using var kernel = new FakeKernel();
        Plot.Line(new[] { 1.0 }).Display();
        Assert.IsAssignableFrom<JsonNode>(kernel.Published[0].Data["application/vnd.plotly.v1+json"]);
    }

    [Fact]
    public void Without_a_kernel_display_prints_plain_text()
    {
        var text = ConsoleCapture.Out(() => display(Audio.Play(new float[8000], 8000, "beep")));
        Assert.Equal("Audio 'beep': 1.00 s, 8000 Hz, 1 channel", text.Trim());
    }

    [Fact]
    public void Tensors_show_their_summary_and_objects_with_ToMimeBundle_are_used()
    {
        using var t = torch.zeros(2, 3);
        var bundle = ToBundle(t);
        Assert.Equal(t.ToString(), bundle.Get("text/plain"));
        Assert.Contains("<pre>", bundle.Get("text/html"));
        Assert.Equal("custom", ToBundle(new DuckDisplayable()).Get("text/plain"));
        Assert.Equal("null", ToBundle(null).Get("text/plain"));
    }

    public sealed class DuckDisplayable
    {
        public IReadOnlyDictionary<string, object> ToMimeBundle() => new Dictionary<string, object> { ["text/plain"] = "custom" };
    }

    [Fact]
    public void First_figure_inlines_plotly_once_and_the_second_does_not()
    {
        PlotlyJs.ResetSession();
        var first = (string)Plot.Line(new[] { 1.0 }).ToMimeBundle()["text/html"];
        var second = (string)Plot.Line(new[] { 2.0 }).ToMimeBundle()["text/html"];
        Assert.Equal(1, Occurrences(first, PlotlyBanner));
        Assert.Contains("if (!window.Plotly)", first);
        Assert.Equal(0, Occurrences(second, PlotlyBanner));
        Assert.Contains("Plotly.newPlot", second);
        Assert.True(first.Length > 1_000_000);
        Assert.True(second.Length < 10_000);
    }

    [Fact]
    public void Html_report_is_self_contained_with_audio_data_uri_and_plotly_once()
    {
        var path = Path.Combine(Path.GetTempPath(), $"musiclm-report-{Guid.NewGuid():N}", "report.html");
        var clip = Audio.Play(new[] { 0.1f, -0.1f }, 8000, "clip");
        try
        {
            using (var report = HtmlReport.Start("Codec <check>"))
            {
                display(clip);
                display(Plot.Line(new[] { 1.0, 2.0 }, "loss"));
                display(Plot.Spectrogram(new float[4, 4], 16000, 160));
                var h = display("step 1");
                h.Update("step 2");
                Assert.Equal(4, report.Count);
                report.Save(path);
            }
            Assert.Null(HtmlReport.Current);
            var html = File.ReadAllText(path);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Contains(clip.ToDataUri(), html);
            Assert.Equal(1, Occurrences(html, PlotlyBanner));
            Assert.Equal(2, Occurrences(html, "Plotly.newPlot"));
            Assert.Contains("<title>Codec &lt;check&gt;</title>", html);
            Assert.Contains("<pre>step 2</pre>", html);
            Assert.DoesNotContain("step 1", html);
            Assert.DoesNotContain("src=\"http", html); // nothing loads from the network
            Assert.DoesNotContain("<script src", html);
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }

    [Fact]
    public void Live_curve_appends_points_and_updates_in_place_at_most_three_times_a_second()
    {
        using var kernel = new FakeKernel();
        var clock = new FakeClock();
        using (var curve = Plot.Live("training", clock: clock))
        {
            for (var step = 0; step < 100; step++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(10));
                curve.Add(step, ("loss", 1.0 / (step + 1)), ("val", 2.0));
            }
            Assert.InRange(curve.DisplayUpdates, 1, 3);
            Assert.Equal(new[] { "loss", "val" }, curve.Series);
        }
        var last = (JsonObject)kernel.Published[^1].Data["application/vnd.plotly.v1+json"];
        Assert.Equal(100, last["data"]![0]!["y"]!.AsArray().Count);
        Assert.Equal("val", last["data"]![1]!["name"]!.GetValue<string>());
        Assert.True(kernel.Published[^1].Update);
    }
}
