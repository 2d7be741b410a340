using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MusicLM.Browser.Tests;

/// <summary>
/// One notebook server and one headless Chromium (Debian's /usr/bin/chromium through Playwright, never a downloaded
/// browser) for the whole test class. Each notebook is run once, on first request, and what the page showed is kept
/// for the tests to judge. Timeouts are generous for a loaded 2-core machine but bounded, so a stuck page fails
/// with a message instead of hanging; the server (with its kernels) and the browser are ended in every case.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A student's laptop window: the width the issue's layout figures were taken at.</summary>
    public const int ViewportWidth = 1280;
    public const int ViewportHeight = 800;

    private static readonly TimeSpan PageLoadTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan KernelStartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan RunAllTimeout = TimeSpan.FromSeconds(420);
    private static readonly TimeSpan DeadKernelGrace = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan AudioTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FigureTimeout = TimeSpan.FromSeconds(90);
    // Counted from the reload, so it includes reopening the saved notebook (11–13 s for today's 6–24 MB files).
    private static readonly TimeSpan ReloadFigureTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SaveTimeout = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IMessageSink sink;
    private readonly Dictionary<string, Task<NotebookRun>> runs = new();
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private readonly Stopwatch total = new();
    private readonly List<string> summary = new();
    private NotebookServer? server;
    private IPlaywright? playwright;
    private IBrowserContext? browser;
    private string? profile;

    public BrowserFixture(IMessageSink sink) => this.sink = sink;

    public async Task InitializeAsync()
    {
        total.Start();
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: environment/setup.sh --tests installs Debian's chromium");
        try
        {
            await StartAsync();
        }
        catch
        {
            // Whatever started before the failure is ended here, not left running.
            await DisposeAsync();
            throw;
        }
        Say($"browser: notebook server at {server!.BaseUrl}, {ChromiumPath} headless at {ViewportWidth} px, ready after {total.Elapsed.TotalSeconds:0.0} s; load average {LoadAverage()}");
    }

    private async Task StartAsync()
    {
        server = await NotebookServer.StartAsync();
        playwright = await Playwright.CreateAsync();
        profile = Directory.CreateTempSubdirectory("musiclm-chromium-").FullName;
        browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root in a closed network: no sandbox, no GPU, and none of Chromium's own connections.
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync" },
            ViewportSize = new ViewportSize { Width = ViewportWidth, Height = ViewportHeight },
            Timeout = (float)PageLoadTimeout.TotalMilliseconds,
        });
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (browser != null) await WithTimeout(browser.CloseAsync(), TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            // Disposing Playwright below ends its driver, which ends the browser.
        }
        playwright?.Dispose();
        server?.Dispose();
        if (profile != null)
        {
            try { Directory.Delete(profile, recursive: true); }
            catch (IOException) { }
        }
        foreach (var line in summary.Order(StringComparer.Ordinal)) Say(line);
        Say($"browser: {runs.Count} notebook(s) in one server and one browser, {total.Elapsed.TotalSeconds:0.0} s in all; load average {LoadAverage()}");
    }

    /// <summary>Runs <paramref name="name"/> in the browser (once; later calls get the same result or the same failure).</summary>
    public Task<NotebookRun> RunAsync(string name)
    {
        lock (runs)
        {
            if (!runs.TryGetValue(name, out var run))
                runs[name] = run = RunOnceAsync(name);
            return run;
        }
    }

    private async Task<NotebookRun> RunOnceAsync(string name)
    {
        await oneAtATime.WaitAsync();
        var page = await browser!.NewPageAsync();
        var pageErrors = new List<string>();
        page.PageError += (_, e) => { lock (pageErrors) if (pageErrors.Count < 20) pageErrors.Add(e); };
        page.Console += (_, m) => { if (m.Type == "error") lock (pageErrors) if (pageErrors.Count < 20) pageErrors.Add("console: " + m.Text); };
        var stage = "opening the page";
        var stages = new List<string>();
        var lap = Stopwatch.StartNew();
        void Lap(string done) { stages.Add($"{done} {lap.Elapsed.TotalSeconds:0.0} s"); lap.Restart(); }
        try
        {
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(server!.NotebookUrl(name), new PageGotoOptions { Timeout = Ms(PageLoadTimeout), WaitUntil = WaitUntilState.Load });
            stage = "waiting for the notebook to load and its kernel to start";
            await page.WaitForFunctionAsync(Scripts.KernelReady, null, new PageWaitForFunctionOptions { Timeout = Ms(KernelStartTimeout), PollingInterval = 200 });
            var kernelStart = clock.Elapsed;

            stage = "Run All";
            clock.Restart();
            await page.EvaluateAsync(Scripts.RunAll);
            await WaitForRunAllAsync(page, name);
            var runAll = clock.Elapsed;

            lap.Restart();
            stage = "checking the players";
            var cells = Parse<List<NotebookRun.Cell>>(await page.EvaluateAsync<string>(Scripts.Cells));
            var players = Parse<List<NotebookRun.Player>>(await page.EvaluateAsync<string>(Scripts.Players, Ms(AudioTimeout)));
            Lap("players");
            stage = "waiting for the figures to draw";
            var figures = await WaitForFiguresAsync(page, FigureTimeout);
            Lap("figures");

            stage = "taking the screenshot";
            var shot = await ScreenshotAsync(page, name, "");
            Lap("screenshot");

            stage = "saving the notebook";
            await SaveAsync(page);
            var path = Path.Combine(server.NotebookDir, name);
            var saved = new FileInfo(path).Length;
            var savedJson = JsonNode.Parse(File.ReadAllText(path))!;
            var savedErrors = ErrorsIn(savedJson);
            var savedFigureCells = FigureCellsIn(savedJson);
            var largest = LargestCellsIn(savedJson);
            Lap("save");

            stage = "the reload case";
            var reload = await ReloadCaseAsync(page, name, figures);
            Lap("reload case");

            var run = new NotebookRun(name, kernelStart, runAll, cells, players, figures, saved, savedErrors, savedFigureCells, largest, reload, Snapshot(pageErrors), shot);
            var line = $"browser: {name}: kernel start {kernelStart.TotalSeconds:0.0} s + Run All {runAll.TotalSeconds:0.0} s = {(kernelStart + runAll).TotalSeconds:0.0} s; " +
                       $"saved {saved / 1e6:0.00} MB; {players.Count} players, {figures.Count} figures ({figures.Count(f => f.Drawn)} drawn); " +
                       $"reopen {(reload.AllDrawnAfter is { } t ? $"{t.TotalSeconds:0.0} s" : $"not all drawn in {ReloadFigureTimeout.TotalSeconds:0} s")}; " +
                       $"checks: {string.Join(", ", stages)}; screenshot {shot}";
            summary.Add(line);
            Say(line);
            return run;
        }
        catch (Exception e)
        {
            var shot = await TryScreenshotAsync(page, name);
            var errors = Snapshot(pageErrors);
            throw new InvalidOperationException(
                $"{name}: {stage} failed: {e.Message}" +
                (errors.Count > 0 ? "\npage errors:\n  " + string.Join("\n  ", errors) : "") +
                $"\nscreenshot: {shot}\nserver log (last lines):\n{server!.LogTail()}", e);
        }
        finally
        {
            await server!.ShutDownKernelsAsync();
            try { await WithTimeout(page.CloseAsync(), TimeSpan.FromSeconds(30)); }
            catch (Exception e) when (e is PlaywrightException or TimeoutException) { }
            oneAtATime.Release();
        }
    }

    /// <summary>
    /// Run All is over when no cell is running and the kernel is idle. A dead kernel, or one that stays
    /// disconnected, fails at once with the cell it was running.
    /// </summary>
    private async Task WaitForRunAllAsync(IPage page, string name)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? deadSince = null;
        string? state = null;
        while (clock.Elapsed < RunAllTimeout)
        {
            state = await page.EvaluateAsync<string>(Scripts.RunState);
            var s = JsonNode.Parse(state)!;
            var running = s["running"]!.AsArray().Select(n => n!.GetValue<int>()).ToList();
            var icon = s["icon"]!.GetValue<string>();
            if (running.Count == 0 && icon == "kernel_idle_icon") return;
            if (icon is "kernel_dead_icon" or "kernel_disconnected_icon")
            {
                deadSince ??= clock.Elapsed;
                if (clock.Elapsed - deadSince > DeadKernelGrace)
                    throw new InvalidOperationException($"the kernel is {icon.Replace("kernel_", "").Replace("_icon", "")} while running cell(s) {string.Join(", ", running)}");
            }
            else deadSince = null;
            await Task.Delay(250);
        }
        throw new TimeoutException($"Run All did not finish within {RunAllTimeout.TotalSeconds:0} s; state: {state}");
    }

    /// <summary>Waits (bounded) until every figure holds an svg, then reports each figure either way.</summary>
    private static async Task<List<NotebookRun.Plot>> WaitForFiguresAsync(IPage page, TimeSpan timeout)
    {
        try
        {
            await page.WaitForFunctionAsync(Scripts.AllFiguresDrawn, null, new PageWaitForFunctionOptions { Timeout = Ms(timeout), PollingInterval = 250 });
        }
        catch (TimeoutException)
        {
            // Reported figure by figure below.
        }
        return Parse<List<NotebookRun.Plot>>(await page.EvaluateAsync<string>(Scripts.Figures));
    }

    private static async Task SaveAsync(IPage page)
    {
        await WithTimeout(page.EvaluateAsync(Scripts.Save), SaveTimeout);
    }

    /// <summary>
    /// Clears the output of the first cell with a figure (the one that, today, carries plotly.js), saves, reloads
    /// without running anything, and records which figures draw on the reopened page.
    /// </summary>
    private async Task<NotebookRun.Reload> ReloadCaseAsync(IPage page, string name, List<NotebookRun.Plot> figures)
    {
        int? cleared = figures.Count > 0 ? figures.Min(f => f.Cell) : null;
        var expected = figures.Count(f => f.Cell != cleared);
        if (cleared is { } c) await page.EvaluateAsync(Scripts.ClearOutput, c);
        await SaveAsync(page);
        await page.EvaluateAsync(Scripts.AllowLeaving);
        var clock = Stopwatch.StartNew();
        await page.ReloadAsync(new PageReloadOptions { Timeout = Ms(PageLoadTimeout), WaitUntil = WaitUntilState.Load });
        await page.WaitForFunctionAsync(Scripts.NotebookLoaded, null, new PageWaitForFunctionOptions { Timeout = Ms(PageLoadTimeout), PollingInterval = 200 });
        TimeSpan? allDrawn = null;
        try
        {
            await page.WaitForFunctionAsync(Scripts.AllFiguresDrawn, null, new PageWaitForFunctionOptions { Timeout = Ms(ReloadFigureTimeout), PollingInterval = 250 });
            allDrawn = clock.Elapsed;
        }
        catch (TimeoutException)
        {
            // Reported figure by figure.
        }
        var after = Parse<List<NotebookRun.Plot>>(await page.EvaluateAsync<string>(Scripts.Figures));
        var trusted = await page.EvaluateAsync<bool>("() => !!Jupyter.notebook.trusted");
        var shot = await ScreenshotAsync(page, name, "-reload");
        return new NotebookRun.Reload(cleared, expected, after, trusted, allDrawn, shot);
    }

    /// <summary>
    /// A full-page screenshot. The classic notebook scrolls inside div#site, so that div is let grow to its content
    /// first (and put back after) — otherwise "full page" would be one window high.
    /// </summary>
    private static async Task<string> ScreenshotAsync(IPage page, string name, string suffix)
    {
        var path = Path.Combine(Notebooks.ArtifactDir, Path.GetFileNameWithoutExtension(name) + suffix + ".png");
        await page.EvaluateAsync(Scripts.UnrollSite);
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 60_000 });
        }
        finally
        {
            await page.EvaluateAsync(Scripts.RollSite);
        }
        return path;
    }

    private static async Task<string> TryScreenshotAsync(IPage page, string name)
    {
        try
        {
            return await ScreenshotAsync(page, name, "-failure");
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            try
            {
                var path = Path.Combine(Notebooks.ArtifactDir, Path.GetFileNameWithoutExtension(name) + "-failure.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Timeout = 30_000 });
                return path;
            }
            catch (Exception e2) when (e2 is PlaywrightException or TimeoutException)
            {
                return $"(none: {e.Message.Split('\n')[0]})";
            }
        }
    }

    /// <summary>Error outputs in the saved notebook file: "cell 4: NameError: …".</summary>
    private static List<string> ErrorsIn(JsonNode notebook)
    {
        var list = new List<string>();
        var cells = notebook["cells"]!.AsArray();
        for (var i = 0; i < cells.Count; i++)
            foreach (var o in cells[i]!["outputs"]?.AsArray() ?? new JsonArray())
                if (o!["output_type"]?.GetValue<string>() == "error")
                    list.Add($"cell {i}: {o["ename"]}: {o["evalue"]}");
        return list;
    }

    /// <summary>Cells of the saved file with a figure output: plotly's mime type, or our toolkit's figure div in HTML.</summary>
    private static List<int> FigureCellsIn(JsonNode notebook)
    {
        var list = new List<int>();
        var cells = notebook["cells"]!.AsArray();
        for (var i = 0; i < cells.Count; i++)
            if ((cells[i]!["outputs"]?.AsArray() ?? new JsonArray()).Any(o => o!["data"] is JsonObject d &&
                    (d.ContainsKey("application/vnd.plotly.v1+json") || Text(d["text/html"]).Contains("musiclm-plot", StringComparison.Ordinal))))
                list.Add(i);
        return list;
    }

    /// <summary>The three cells whose outputs take the most room in the saved file, largest first.</summary>
    private static List<NotebookRun.CellSize> LargestCellsIn(JsonNode notebook)
    {
        var cells = notebook["cells"]!.AsArray();
        return cells.Select((c, i) => new NotebookRun.CellSize(i, System.Text.Encoding.UTF8.GetByteCount(c!["outputs"]?.ToJsonString() ?? "")))
            .Where(c => c.Bytes > 0).OrderByDescending(c => c.Bytes).Take(3).ToList();
    }

    private static string Text(JsonNode? n) => n switch
    {
        null => "",
        JsonArray a => string.Concat(a.Select(l => l?.GetValue<string>())),
        _ => n.GetValue<string>(),
    };

    private static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("the page returned null");

    private static List<string> Snapshot(List<string> list)
    {
        lock (list) return list.ToList();
    }

    /// <summary>The 1-minute load average: the times above mean little without it on a shared 2-core machine.</summary>
    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0] + $" on {Environment.ProcessorCount} cores"; }
        catch (IOException) { return "unknown"; }
    }

    private static float Ms(TimeSpan t) => (float)t.TotalMilliseconds;

    private static async Task WithTimeout(Task task, TimeSpan timeout)
    {
        if (await Task.WhenAny(task, Task.Delay(timeout)) != task)
            throw new TimeoutException($"gave up after {timeout.TotalSeconds:0} s");
        await task;
    }

    private void Say(string line)
    {
        // Shown by `dotnet test` (xunit.runner.json turns diagnostic messages on) and in the console log.
        sink.OnMessage(new DiagnosticMessage(line));
        Console.WriteLine(line);
    }
}
