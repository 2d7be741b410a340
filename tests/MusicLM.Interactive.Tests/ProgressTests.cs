using MusicLM.TestSupport;

namespace MusicLM.Interactive.Tests;

[Collection(ProcessState.Name)]
public class ProgressTests
{
    [Fact]
    public void Thousand_updates_in_one_simulated_second_redraw_at_most_five_times()
    {
        using var kernel = new FakeKernel();
        var clock = new FakeClock();
        using (var bar = Progress.Start(1000, "training", clock))
        {
            for (var i = 1; i <= 1000; i++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(1));
                bar.Update(i, ("loss", 1.0 / i));
            }
            Assert.InRange(bar.DisplayUpdates, 1, 5);
            Assert.Equal(1000.0, bar.Rate, 6);
        }
        Assert.False(kernel.Published[0].Update);                        // shown once…
        Assert.All(kernel.Published.Skip(1), p => Assert.True(p.Update)); // …then replaced in place
        Assert.All(kernel.Published, p => Assert.Equal(kernel.Published[0].Id, p.Id));
        Assert.InRange(kernel.Published.Count, 2, 7);
        var last = kernel.Text(kernel.Published.Count - 1);
        Assert.Contains("1000/1000", last);
        Assert.Contains("1000.0 it/s", last);
        Assert.Contains("loss=0.001", last);
        Assert.Contains("<progress value=\"1000\" max=\"1000\"", (string)kernel.Published[^1].Data["text/html"]);
    }

    [Fact]
    public void Eta_follows_from_the_rate()
    {
        var clock = new FakeClock();
        using var kernel = new FakeKernel();
        using var bar = Progress.Start(100, null, clock);
        clock.Advance(TimeSpan.FromSeconds(10));
        bar.Update(25);
        Assert.Equal(2.5, bar.Rate, 6);
        Assert.Equal(TimeSpan.FromSeconds(30), bar.Eta);
        Assert.Contains("ETA 00:30", bar.ToString());
    }

    [Fact]
    public void Interrupt_ends_the_loop_with_a_final_interrupted_update()
    {
        using var kernel = new FakeKernel();
        var seen = new List<int>();
        var ex = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var i in Progress.Range(100, "sampling"))
            {
                seen.Add(i);
                if (i == 4) kernel.Interrupt.Cancel();
            }
        });
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, seen);
        Assert.Contains("interrupted", ex.Message);
        Assert.True(kernel.Published[^1].Update);
        Assert.Contains("interrupted", kernel.Text(kernel.Published.Count - 1));
        Assert.Single(kernel.Published, p => kernel.Published.IndexOf(p) > 0 && ((string)p.Data["text/plain"]).Contains("interrupted"));
    }

    [Fact]
    public void Manual_bar_throws_on_update_after_interrupt()
    {
        using var kernel = new FakeKernel();
        using var bar = Progress.Start(10, "training");
        bar.Update(1);
        kernel.Interrupt.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => bar.Update(2));
        Assert.Equal("interrupted", bar.State);
        Assert.Equal(1, bar.Count);
    }

    [Fact]
    public void Without_a_kernel_a_compact_line_goes_to_the_console()
    {
        var text = ConsoleCapture.Out(() =>
        {
            foreach (var _ in Progress.Over(new[] { "a", "b", "c" }, label: "files")) { }
        });
        Assert.Contains("files  3/3 [####################] 100%", text);
        Assert.DoesNotContain("<", text);
    }

    [Fact]
    public void Breaking_out_early_marks_the_bar_stopped()
    {
        using var kernel = new FakeKernel();
        foreach (var i in Progress.Range(10))
            if (i == 2) break;
        Assert.Contains("stopped", kernel.Text(kernel.Published.Count - 1));
        Assert.Contains("2/10", kernel.Text(kernel.Published.Count - 1));
    }

    [Fact]
    public void An_update_from_another_thread_after_an_interrupt_shows_it_without_throwing_there()
    {
        using var kernel = new FakeKernel();
        using var bar = Progress.Start(10, "training");
        kernel.Interrupt.Cancel();
        Exception? onPool = new InvalidOperationException("not run");
        var worker = new Thread(() =>
        {
            try { bar.Update(3); onPool = null; }
            catch (Exception e) { onPool = e; }
        });
        worker.Start();
        worker.Join();
        Assert.Null(onPool);   // a throw on a thread-pool thread would end the process
        Assert.Equal("interrupted", bar.State);
        Assert.Throws<OperationCanceledException>(() => bar.Update(4));   // the loop's own thread stops
    }

    [Fact]
    public void Inline_progress_runs_the_handler_on_the_reporting_thread_in_order_and_passes_its_exception_on()
    {
        var seen = new List<(int Value, int Thread)>();
        var progress = Progress.Inline<int>(v =>
        {
            if (v < 0) throw new InvalidOperationException("negative");
            seen.Add((v, Environment.CurrentManagedThreadId));
        });
        for (var i = 0; i < 100; i++) progress.Report(i);
        Assert.Equal(Enumerable.Range(0, 100), seen.Select(s => s.Value));
        Assert.All(seen, s => Assert.Equal(Environment.CurrentManagedThreadId, s.Thread));
        Assert.Equal("negative", Assert.Throws<InvalidOperationException>(() => progress.Report(-1)).Message);
        Assert.Throws<ArgumentNullException>(() => Progress.Inline<int>(null!));
    }
}
