using System.Text.Json.Nodes;
using MusicLM.TestSupport;
using MusicLM.Torch;
using static MusicLM.Interactive.Display;

namespace MusicLM.Interactive.Tests;

[Collection(ProcessState.Name)]
public class DisplayTests
{
    private const string PlotlyBanner = "* plotly.js v";

    private static int Occurrences(string text, string what) => JsonOf.Occurrences(text, what);

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
    public void Extension_method_displays_too()
    {
        using var kernel = new FakeKernel();
        Plot.Line(new[] { 1.0 }).Display();
        Assert.Equal(1.0, JsonOf.InHtml((string)kernel.Published[0].Data["text/html"])["data"]![0]!["y"]![0]!.GetValue<double>());
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
    public void Every_figure_is_light_and_can_load_plotly_from_the_notebook_server_on_its_own()
    {
        var first = (string)Plot.Line(new[] { 1.0 }).ToMimeBundle()["text/html"];
        var second = (string)Plot.Line(new[] { 2.0 }).ToMimeBundle()["text/html"];
        foreach (var html in new[] { first, second })
        {
            Assert.Equal(0, Occurrences(html, PlotlyBanner));
            Assert.True(html.Length < 5_000, $"a one-point figure takes {html.Length} characters");
            // Each figure carries the loader: it draws at once where the page has Plotly, else loads the
            // kernelspec's copy (one promise shared by the page).
            Assert.Contains("if(w.Plotly){draw(w.Plotly);return;}", html);
            Assert.Contains("if(!w.musiclmPlotly)", html);
            Assert.Contains("\"kernelspecs/musiclm-csharp/plotly.min.js?v=" + PlotlyJs.VersionNumber + "\"", html);
            Assert.Contains("data-base-url", html);        // classic notebook
            Assert.Contains("jupyter-config-data", html);  // JupyterLab
            Assert.DoesNotContain("src=\"http", html);
        }
    }

    [Fact]
    public void Figure_text_cannot_close_the_script_that_carries_it()
    {
        var html = (string)Plot.Line(new[] { 1.0 }, title: "</script><script>alert(1)</script>").ToMimeBundle()["text/html"];
        Assert.Equal(1, Occurrences(html, "</script>"));
        Assert.Equal("</script><script>alert(1)</script>", JsonOf.InHtml(html)["layout"]!["title"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Plotly_version_is_the_embedded_banner()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", PlotlyJs.VersionNumber);
        Assert.StartsWith("/**\n* plotly.js v" + PlotlyJs.VersionNumber, PlotlyJs.Source.ReplaceLineEndings("\n"));
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
            Assert.True(html.IndexOf(PlotlyBanner, StringComparison.Ordinal) < html.IndexOf("</head>", StringComparison.Ordinal));
            Assert.Equal(2, Occurrences(html, "/*musiclm-figure*/"));
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
        var last = JsonOf.InHtml((string)kernel.Published[^1].Data["text/html"]);
        Assert.Equal(100, last["data"]![0]!["y"]!.AsArray().Count);
        Assert.Equal("val", last["data"]![1]!["name"]!.GetValue<string>());
        Assert.True(kernel.Published[^1].Update);
    }

    [Fact]
    public void Live_curve_titles_its_y_axis_and_shows_a_single_first_point()
    {
        using var kernel = new FakeKernel();
        using (var curve = Plot.Live("training"))
            curve.Add(1, ("loss", 2.5), ("mel", 1.2));
        var fig = JsonOf.InHtml((string)kernel.Published[^1].Data["text/html"]);
        Assert.Equal("loss, mel", fig["layout"]!["yaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("lines+markers", fig["data"]![0]!["mode"]!.GetValue<string>());
        Assert.Equal(2.5, fig["data"]![0]!["y"]![0]!.GetValue<double>());
    }

    [Fact]
    public void Progress_leaves_out_a_metric_that_is_NaN()
    {
        using var kernel = new FakeKernel();
        using (var bar = Progress.Start(10, "training"))
            bar.Update(10, ("loss", 0.5), ("disc", double.NaN));
        var text = kernel.Text(kernel.Published.Count - 1);
        Assert.Contains("loss=0.5", text);
        Assert.DoesNotContain("disc", text);
        Assert.DoesNotContain("NaN", (string)kernel.Published[^1].Data["text/html"]);
    }

    [Fact]
    public void Audio_grid_wraps_instead_of_running_off_the_page()
    {
        var clip = Audio.Play(new float[80], 8000);
        var html = AudioGrid.Row(Enumerable.Range(0, 6).Select(i => ($"Q = {i}", clip)).ToArray()).ToHtml();
        Assert.Contains("display:flex;flex-wrap:wrap", html);
        Assert.DoesNotContain("grid-template-columns", html);   // a fixed grid of six 300 px players was 1,880 px wide
        Assert.Equal(6, Occurrences(html, "<audio controls preload=\"metadata\" style=\"max-width:100%\""));
        var rows = new AudioGrid(Enumerable.Range(0, 6).Select(i => ($"{i}", clip)), columns: 4).ToHtml();
        Assert.Equal(1, Occurrences(rows, "flex-basis:100%"));   // a line break after the fourth clip
    }

    [Fact]
    public void Live_curve_takes_points_from_several_threads_at_once_while_it_redraws()
    {
        // new Progress<T>(handler) runs handlers on the thread pool, two at a time when a redraw is slow:
        // an unguarded curve threw "Collection was modified" there and took the kernel down (CI, notebook 05).
        using var kernel = new FakeKernel();
        const int threads = 4, points = 500;
        using (var curve = Plot.Live("training", clock: new SteppingClock()))
        {
            var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                try { for (var i = 0; i < points; i++) curve.Add(i, ("loss", t), ("val", i)); }
                catch (Exception e) { errors.Enqueue(e); }   // uncaught, it would end the test run
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            Assert.Empty(errors);
            Assert.True(curve.DisplayUpdates > 100, $"{curve.DisplayUpdates} redraws");
        }
        var last = JsonOf.InHtml((string)kernel.Published[^1].Data["text/html"]);
        Assert.Equal(threads * points, last["data"]![0]!["y"]!.AsArray().Count);
        Assert.Equal(threads * points, last["data"]![1]!["x"]!.AsArray().Count);
    }

    /// <summary>A clock a second further on at every reading, so every point is due for a redraw.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref ticks, TimeSpan.TicksPerSecond);
    }
}
