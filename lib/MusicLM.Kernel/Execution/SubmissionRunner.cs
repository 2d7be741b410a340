using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Compiles a cell as the next submission of the chain, emits and loads it, and starts it: what
/// Roslyn's <c>Script.ContinueWith(…).RunFromAsync(…)</c> does, with the same compilation, the same
/// submission array and the same assembly names, but on the calling thread alone. Roslyn's
/// executor builds with concurrent compilation (thread-pool tasks, and waits on them, for a cell of
/// one line) and hops between threads to run it: for a `1+1` cell that plumbing cost ~2–3 ms of
/// the kernel's ~11–13 ms of CPU (an in-process loop of 200 cells on the 2-core machine), and
/// profiled as thread-pool wake-ups, spinning and lock contention.
/// The submission array is Roslyn's: slot 0 holds the globals object, and each submission's
/// constructor stores itself in its own slot, from which later submissions read its fields.
/// </summary>
internal sealed class SubmissionRunner
{
    /// <summary>No PDB: <see cref="CellLines"/> makes one when a traceback needs a cell's line numbers.</summary>
    private static readonly EmitOptions ImageOnly = new();

    /// <summary>Roslyn's scheme for submission assemblies ("ℛ*" + a session id + "#" + the submission's number).</summary>
    private readonly string _assemblyPrefix = "\u211B*" + Guid.NewGuid().ToString("N") + "#";

    private readonly CSharpCompilationOptions _options;
    private readonly SubmissionLoadContext _context = new();
    private volatile Submission _last;
    private object?[] _states;
    private int _stateCount = 1; // slot 0 is the globals object
    private int _lastId;

    /// <param name="root">The empty start-up submission, made by Roslyn's scripting API: its options carry the
    /// scripting binder flags (framework types defined twice resolve to the core library's) that no public API sets.</param>
    /// <param name="globals">The object whose members cells see as globals.</param>
    public SubmissionRunner(Submission root, KernelGlobals globals)
    {
        _last = root;
        // One syntax tree of a few lines: building it on the thread pool only adds hand-offs.
        _options = root.Compilation.Options.WithConcurrentBuild(false);
        _states = new object?[16];
        _states[0] = globals;
    }

    /// <summary>The last submission that ran: what the next cell continues.</summary>
    public Submission Last => _last;

    /// <summary>A compiled cell: its submission and its entry point (null when the cell has no code to run, only usings, say).</summary>
    public sealed record Cell(Submission Submission, Func<object?[], Task<object?>>? EntryPoint);

    /// <summary>A started cell: its task and the submission array it runs on.</summary>
    public sealed record Running(Cell Cell, object?[] States, Task<object?> Task);

    /// <summary>
    /// The cell in <paramref name="tree"/> (parsed from <paramref name="text"/>, with its file path and an
    /// encoding) as the submission after <see cref="Last"/>, emitted and loaded; null with the errors
    /// (parse errors first, as Roslyn reports them) when it does not compile.
    /// </summary>
    public Cell? Compile(string text, SyntaxTree tree, CancellationToken token, out ImmutableArray<Diagnostic> errors)
    {
        var id = Interlocked.Increment(ref _lastId);
        var assemblyName = _assemblyPrefix + id;
        var typeName = "Submission#" + id;
        var previous = _last;
        var compilation = CSharpCompilation.CreateScriptCompilation(assemblyName, tree, references: null,
            _options.WithScriptClassName(typeName), previous.Compilation, typeof(object), previous.GlobalsType);
        errors = Errors(compilation.GetParseDiagnostics(token));
        if (!errors.IsEmpty) return null;

        using var image = new MemoryStream();
        var result = compilation.Emit(image, pdbStream: null, options: ImageOnly, cancellationToken: token);
        errors = Errors(result.Diagnostics);
        var submission = new Submission(previous, compilation, text, tree.FilePath);
        if (!result.Success)
        {
            // Emit fails without an error where there is nothing to emit (a cell of usings or #r alone):
            // nothing to run then, and the submission takes no slot, as in Roslyn's scripting.
            return errors.IsEmpty ? new Cell(submission, null) : null;
        }

        image.Position = 0;
        var assembly = _context.LoadCell(assemblyName, image);
        CellLines.Register(assembly, compilation);
        var factory = assembly.GetType(typeName, throwOnError: true)!.GetMethod("<Factory>", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{typeName} has no <Factory> method");
        return new Cell(submission, factory.CreateDelegate<Func<object?[], Task<object?>>>());
    }

    /// <summary>
    /// Starts the cell on this thread (it runs up to its first real await) on a copy of the submission
    /// array, as Roslyn runs each cell on a copy of its state: a cell given up while it awaits changes nothing.
    /// </summary>
    public Running Start(Cell cell, CancellationToken token)
    {
        var states = new object?[_stateCount < _states.Length ? _states.Length : _states.Length * 2];
        Array.Copy(_states, states, _stateCount);
        Task<object?> task;
        if (cell.EntryPoint is null) task = Task.FromResult<object?>(null);
        else if (token.IsCancellationRequested)
        {
            // Interrupted before it began: as Roslyn does, the submission object is still made (its
            // constructor runs no cell code), so that later cells find its variables, at their defaults.
            Activator.CreateInstance(cell.EntryPoint.Method.DeclaringType!, [states]);
            task = Task.FromCanceled<object?>(token);
        }
        else
        {
            try
            {
                task = cell.EntryPoint(states);
            }
            catch (Exception e)
            {
                task = Task.FromException<object?>(e);
            }
        }
        return new Running(cell, states, task);
    }

    /// <summary>Makes a finished cell the one the next continues, keeping what it defined even if it threw (as IPython does).</summary>
    public void Commit(Running run)
    {
        _states = run.States;
        if (_states[_stateCount] is not null) _stateCount++;
        _last = run.Cell.Submission;
    }

    /// <summary>Compiles the start-up submission once, off the clock, so that the first cell finds Roslyn's emit path and the references bound.</summary>
    public static void Prime(Submission root)
    {
        using var image = new MemoryStream();
        root.Compilation.Emit(image, pdbStream: null, options: ImageOnly);
    }

    private static ImmutableArray<Diagnostic> Errors(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
}
