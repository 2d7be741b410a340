using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using MusicLM.Kernel.Execution;

namespace MusicLM.Kernel.Completion;

/// <summary>
/// Answers complete_request: Roslyn's <see cref="RoslynCompletion"/> when it is ready, else the
/// engine's own lookup (<see cref="ScriptEngine.Complete"/>, the completion the kernel had before).
/// The Roslyn path gets <see cref="Budget"/>; when it throws, runs over that time, has not warmed
/// up yet, or cannot load its assemblies, the fallback answers (at once, unless Roslyn was already
/// running), so a completion never hangs or crashes the kernel. The IDE services take seconds to
/// compose, so they warm up in the background after the first cell (never before it: the first
/// cell must not wait for them) or at the first request, which the fallback answers meanwhile.
/// <c>MUSICLM_KERNEL_COMPLETION=basic</c> turns the Roslyn path off.
/// </summary>
internal sealed class KernelCompletion
{
    /// <summary>How long a request waits for Roslyn before the fallback answers.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    /// <summary>How long Roslyn may go on in the background after a request gave up on it (its caches fill meanwhile).</summary>
    private static readonly TimeSpan BackgroundLimit = TimeSpan.FromSeconds(20);

    private readonly ScriptEngine _engine;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _startLock = new();
    private Task<RoslynCompletion>? _roslyn;
    private volatile bool _disabled;
    private volatile bool _warm;

    public KernelCompletion(ScriptEngine engine)
    {
        _engine = engine;
        _disabled = string.Equals(Environment.GetEnvironmentVariable("MUSICLM_KERNEL_COMPLETION"), "basic", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Starts composing the workspace and mirroring the cells on a thread of its own at the lowest
    /// CPU priority (it takes seconds; a cell running meanwhile must not wait for it); returns at
    /// once. Idempotent.
    /// </summary>
    public void WarmUp()
    {
        if (_disabled) return;
        lock (_startLock)
        {
            if (_roslyn is not null) return;
            var ready = new TaskCompletionSource<RoslynCompletion>(TaskCreationOptions.RunContinuationsAsynchronously);
            _roslyn = ready.Task;
            new Thread(() => WarmUpThread(ready)) { Name = "completion-warm-up", IsBackground = true }.Start();
        }
    }

    private void WarmUpThread(TaskCompletionSource<RoslynCompletion> ready)
    {
        ThreadNice.LowerCurrentThread();
        var watch = Stopwatch.StartNew();
        RoslynCompletion service;
        try
        {
            service = new RoslynCompletion(_engine.WorkingDirectory);
            KernelLog.Write($"completion: Roslyn workspace composed in {watch.ElapsedMilliseconds} ms");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Failed(e, "start");
            ready.SetException(e);
            return;
        }
        ready.SetResult(service);
        var last = LastSubmission();
        if (last is null) return;
        _gate.Wait();
        try
        {
            // No time limit: at nice 19 on a busy machine it may take long, and nothing waits for it.
            // Synchronously, so that what Roslyn does not hand to the thread pool runs at this thread's priority.
            service.WarmUpAsync(last, CancellationToken.None).GetAwaiter().GetResult();
            KernelLog.Write($"completion: Roslyn ready {watch.ElapsedMilliseconds} ms after the warm-up began");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Failed(e, "warm-up");
        }
        finally
        {
            // Even after a failed warm-up requests try Roslyn: each one falls back on its own.
            _warm = true;
            _gate.Release();
        }
    }

    /// <summary>The complete_reply content for a complete_request's content (cursor_pos in code points, as the protocol says).</summary>
    public JsonObject Reply(JsonObject content)
    {
        var code = content["code"]?.GetValue<string>() ?? "";
        var cursor = content["cursor_pos"] is { } c ? c.GetValue<int>() : int.MaxValue;
        var position = CodePoints.ToUtf16(code, Math.Max(0, cursor));
        var answer = Complete(code, position);
        int start = CodePoints.FromUtf16(code, answer.Start), end = CodePoints.FromUtf16(code, answer.End);
        var types = new JsonArray();
        foreach (var m in answer.Matches)
        {
            var entry = new JsonObject { ["start"] = start, ["end"] = end, ["text"] = m.Text };
            if (m.Type is not null) entry["type"] = m.Type;
            types.Add(entry);
        }
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray([.. answer.Matches.Select(m => (JsonNode?)JsonValue.Create(m.Text))]),
            ["cursor_start"] = start,
            ["cursor_end"] = end,
            ["metadata"] = new JsonObject { ["_jupyter_types_experimental"] = types, ["completer"] = answer.Source },
        };
    }

    /// <summary>Roslyn's answer within the budget, else the fallback's. Offsets are UTF-16.</summary>
    internal CompletionAnswer Complete(string code, int position)
    {
        WarmUp();
        if (_warm && !_disabled)
        {
            try
            {
                var roslyn = RoslynAsync(code, position);
                if (roslyn.Wait(Budget) && roslyn.Result is { } answer) return answer;
                if (!roslyn.IsCompleted) KernelLog.Write($"completion: Roslyn took over {Budget.TotalSeconds:0} s; answered with the basic completer");
            }
            catch (AggregateException e)
            {
                Failed(e.InnerException ?? e, "request");
            }
        }
        var (matches, start, end) = _engine.Complete(code, position);
        return new CompletionAnswer([.. matches.Select(m => new CompletionMatch(m))], start, end, "basic");
    }

    /// <summary>Null when Roslyn cannot answer in time (busy with an earlier request that ran over its budget).</summary>
    private async Task<CompletionAnswer?> RoslynAsync(string code, int position)
    {
        var watch = Stopwatch.StartNew();
        var service = await Roslyn().ConfigureAwait(false);
        var last = _engine.LastSubmission;
        if (last is null) return null;
        var left = Budget - watch.Elapsed;
        if (left <= TimeSpan.Zero || !await _gate.WaitAsync(left).ConfigureAwait(false)) return null;
        try
        {
            using var cts = new CancellationTokenSource(BackgroundLimit);
            return await service.CompleteAsync(last, code, position, cts.Token).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task<RoslynCompletion> Roslyn()
    {
        WarmUp();
        lock (_startLock) return _roslyn ?? Task.FromException<RoslynCompletion>(new InvalidOperationException("Roslyn completion is off"));
    }

    /// <summary>Logs a failure of the Roslyn path; one that means its assemblies cannot load turns it off for good.</summary>
    private void Failed(Exception e, string stage)
    {
        if (e is FileNotFoundException or FileLoadException or BadImageFormatException or TypeLoadException or ReflectionTypeLoadException or MissingMethodException ||
            e is TypeInitializationException || e.GetType().FullName == "System.Composition.Hosting.CompositionFailedException")
        {
            _disabled = true;
            KernelLog.Write($"completion: Roslyn completion unavailable ({stage}: {e.GetType().Name}: {e.Message}); using the basic completer from now on");
            return;
        }
        KernelLog.Write($"completion: Roslyn failed ({stage}: {e.GetType().Name}: {e.Message}); answered with the basic completer");
    }

    /// <summary>The engine's last submission, once its start-up compilation is done (a warm-up may start before).</summary>
    private Submission? LastSubmission()
    {
        for (int i = 0; i < 600; i++)
        {
            if (_engine.LastSubmission is { } last) return last;
            Thread.Sleep(100);
        }
        return null;
    }
}
