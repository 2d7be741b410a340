namespace MusicLM.Browser.Tests;

/// <summary>
/// Every notebook in notebooks/, opened in headless Chromium at 1,280 px through Debian's classic notebook server,
/// Run All in quick mode, then judged as a student sees it. Each notebook runs once (see <see cref="BrowserFixture"/>);
/// each test judges one thing, so one failure does not hide another. Screenshots: artifacts/browser/.
/// </summary>
public class NotebookInBrowserTests : IClassFixture<BrowserFixture>
{
    /// <summary>An executed notebook must stay small enough to reopen quickly and to keep in git (issue 10: "a few MB").</summary>
    public const long MaxSavedNotebookBytes = 5_000_000;

    /// <summary>Layout rounding: a box may overhang its area by less than a pixel.</summary>
    private const double PixelSlack = 1.0;

    private readonly BrowserFixture browser;

    public NotebookInBrowserTests(BrowserFixture browser) => this.browser = browser;

    [Theory]
    [MemberData(nameof(Notebooks.All), MemberType = typeof(Notebooks))]
    public async Task Run_All_runs_every_cell_without_an_error_output(string name)
    {
        var run = await browser.RunAsync(name);
        var problems = new List<string>();
        foreach (var c in run.Cells.Where(c => c.Type == "code"))
        {
            foreach (var e in c.Errors) problems.Add($"{run.Where(c.Index)}: error output {e}");
            if (c.ErrorElements > 0 && c.Errors.Length == 0) problems.Add($"{run.Where(c.Index)}: {c.ErrorElements} .output_error element(s)");
            if (c.HasSource && !int.TryParse(c.ExecutionCount, out _)) problems.Add($"{run.Where(c.Index)}: did not run (prompt [{c.ExecutionCount ?? " "}])");
        }
        foreach (var e in run.SavedErrors) problems.Add($"saved file, {e}");
        Assert.True(problems.Count == 0, $"{name}:\n  " + string.Join("\n  ", problems) + $"\nscreenshot: {run.Screenshot}");
    }

    [Theory]
    [MemberData(nameof(Notebooks.All), MemberType = typeof(Notebooks))]
    public async Task Every_audio_player_loads_and_has_a_duration(string name)
    {
        var run = await browser.RunAsync(name);
        RequireCompleteRun(run);
        var bad = run.Players.Where(p => !(p.ReadyState >= 1 && p.Duration > 0 && p.Error == null))
            .Select(p => $"{run.Where(p.Cell)}: player {p.Ordinal} \"{p.Title}\": readyState {p.ReadyState}, duration {(p.Duration < 0 ? "NaN" : p.Duration.ToString("0.000"))}{(p.Error != null ? ", " + p.Error : "")}")
            .ToList();
        Assert.True(bad.Count == 0, $"{name}: {bad.Count} of {run.Players.Count} players have no duration:\n  " + string.Join("\n  ", bad) + $"\nscreenshot: {run.Screenshot}");
    }

    [Theory]
    [MemberData(nameof(Notebooks.All), MemberType = typeof(Notebooks))]
    public async Task Every_audio_player_lies_inside_its_output_area(string name)
    {
        var run = await browser.RunAsync(name);
        RequireCompleteRun(run);
        var bad = run.Players.Where(p => p.Right > p.AreaRight + PixelSlack || p.Right > p.Viewport + PixelSlack || p.Left < p.AreaLeft - PixelSlack)
            .Select(p => $"{run.Where(p.Cell)}: player {p.Ordinal} \"{p.Title}\" spans x = {p.Left:0}–{p.Right:0} px, its output area {p.AreaLeft:0}–{p.AreaRight:0} px (viewport {p.Viewport:0} px)")
            .ToList();
        Assert.True(bad.Count == 0, $"{name}: {bad.Count} of {run.Players.Count} players run off their output area at {BrowserFixture.ViewportWidth} px:\n  " + string.Join("\n  ", bad) + $"\nscreenshot: {run.Screenshot}");
    }

    [Theory]
    [MemberData(nameof(Notebooks.All), MemberType = typeof(Notebooks))]
    public async Task Every_figure_draws_an_svg(string name)
    {
        var run = await browser.RunAsync(name);
        RequireCompleteRun(run);
        var bad = run.Figures.Where(f => !f.Drawn).Select(f => $"{run.Where(f.Cell)}: figure {f.Id} has no .main-svg").ToList();
        // A figure output the page does not show at all would otherwise go unnoticed.
        bad.AddRange(run.SavedFigureCells.Where(c => !run.Figures.Any(f => f.Cell == c)).Select(c => $"{run.Where(c)}: has a figure output in the saved file but no figure on the page"));
        Assert.True(bad.Count == 0, $"{name}: {bad.Count} of {run.Figures.Count} figures did not draw:\n  " + string.Join("\n  ", bad) + PageErrors(run) + $"\nscreenshot: {run.Screenshot}");
    }

    [Theory]
    [MemberData(nameof(Notebooks.All), MemberType = typeof(Notebooks))]
    public async Task Saved_notebook_after_Run_All_is_under_the_size_limit(string name)
    {
        var run = await browser.RunAsync(name);
        RequireCompleteRun(run);
        Assert.True(run.SavedBytes < MaxSavedNotebookBytes,
            $"{name}: saved after Run All it is {run.SavedBytes / 1e6:0.00} MB, over the {MaxSavedNotebookBytes / 1e6:0} MB limit; largest outputs: " +
            string.Join(", ", run.LargestCells.Select(c => $"{run.Where(c.Cell)} {c.Bytes / 1e6:0.00} MB")));
    }

    [Theory]
    [MemberData(nameof(Notebooks.All), MemberType = typeof(Notebooks))]
    public async Task Every_figure_draws_again_after_the_first_figure_is_cleared_and_the_page_reloaded(string name)
    {
        var run = await browser.RunAsync(name);
        RequireCompleteRun(run);
        var r = run.AfterReload;
        var problems = new List<string>();
        if (!r.Trusted) problems.Add("the reloaded notebook is not trusted, so its output scripts did not run");
        if (r.Figures.Count != r.ExpectedFigures) problems.Add($"the reloaded page has {r.Figures.Count} figures, expected {r.ExpectedFigures}");
        problems.AddRange(r.Figures.Where(f => !f.Drawn).Select(f => $"{run.Where(f.Cell)}: figure {f.Id} has no .main-svg"));
        Assert.True(problems.Count == 0,
            $"{name}: after clearing the output of {(r.ClearedCell is { } c ? run.Where(c) : "no cell")}, saving and reloading, {r.Figures.Count(f => !f.Drawn)} of {r.Figures.Count} figures did not draw:\n  " +
            string.Join("\n  ", problems) + $"\nscreenshot: {r.Screenshot}");
    }

    /// <summary>
    /// The other checks judge what Run All showed; after a failed Run All they would pass on a half-empty page, so
    /// they fail instead, naming the first cell that went wrong.
    /// </summary>
    private static void RequireCompleteRun(NotebookRun run)
    {
        var first = run.Cells.FirstOrDefault(c => c.Type == "code" && (c.Errors.Length > 0 || (c.HasSource && !int.TryParse(c.ExecutionCount, out _))));
        if (first != null)
            Assert.Fail($"{run.Name}: cannot be judged, Run All did not complete: {run.Where(first.Index)} " +
                        (first.Errors.Length > 0 ? $"has the error output {first.Errors[0]}" : $"did not run (prompt [{first.ExecutionCount ?? " "}])") +
                        $"\nscreenshot: {run.Screenshot}");
    }

    private static string PageErrors(NotebookRun run) =>
        run.PageErrors.Count == 0 ? "" : "\npage errors:\n  " + string.Join("\n  ", run.PageErrors);
}
