using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Runs cells as Roslyn script submissions: each cell continues the previous one's state (variables,
/// usings, references), may await at top level, and its trailing expression is its value. The kernel
/// compiles, loads and starts each submission itself (<see cref="SubmissionRunner"/>);
/// <c>MUSICLM_KERNEL_EXECUTION=scripting</c> runs them through Roslyn's scripting API instead, as
/// the kernel did before (same semantics, a few milliseconds more per cell).
/// Also answers completion, inspection and is-complete questions from the same compilation chain.
/// </summary>
internal sealed partial class ScriptEngine
{
    /// <summary>The ename of a cell stopped by an interrupt.</summary>
    public const string InterruptedName = "Interrupted";

    private static readonly string[] DefaultImports =
    [
        "System", "System.IO", "System.Linq", "System.Text", "System.Threading", "System.Threading.Tasks",
        "System.Collections.Generic", "System.Text.Json", "System.Text.Json.Nodes",
    ];

    private readonly KernelGlobals _globals;
    private readonly NuGetRestorer _nuget = new();
    private readonly ScriptOptions _options;
    private readonly ScriptOptions _continuationOptions;
    private readonly CSharpParseOptions _parseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);
    private readonly bool _scripting;
    private readonly Task<Submission> _initial;
    private readonly CancellationTokenSource _warmUp = new();
    private SubmissionRunner? _runner;
    private ScriptState<object>? _state; // the scripting API's state (MUSICLM_KERNEL_EXECUTION=scripting)
    private volatile Submission? _last;

    public ScriptEngine(string workingDirectory, KernelGlobals globals, AssemblyProbing probing)
    {
        WorkingDirectory = workingDirectory;
        _globals = globals;
        var resolver = new KernelMetadataResolver(
            ScriptMetadataResolver.Default.WithBaseDirectory(workingDirectory).WithSearchPaths(workingDirectory), _nuget, probing);
        _options = ScriptOptions.Default
            .WithReferences(FrameworkReferences().Append(MetadataReference.CreateFromFile(typeof(KernelGlobals).Assembly.Location)))
            .WithImports(DefaultImports)
            .WithMetadataResolver(resolver)
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(workingDirectory))
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true)
            .WithLanguageVersion(LanguageVersion.Latest);
        // A submission sees the references of the ones before it, so later cells pass none: handing
        // Roslyn the ~170 framework assemblies again makes each cell's compilation sort them out anew.
        _continuationOptions = _options.WithReferences(Array.Empty<MetadataReference>());
        _scripting = string.Equals(Environment.GetEnvironmentVariable("MUSICLM_KERNEL_EXECUTION"), "scripting", StringComparison.OrdinalIgnoreCase);
        // Roslyn's first compilation takes a second or two; do it while the notebook connects, then
        // compile (not run) a cell like a person's first one, so that its code paths are warm too
        // (given up as soon as a real cell comes, which must not share the CPU with it).
        _initial = Task.Run(StartUp);
        _initial.ContinueWith(_ => WarmUp(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>The empty first submission, compiled: the root of the chain every cell continues.</summary>
    private Submission StartUp()
    {
        Submission root;
        if (_scripting)
        {
            _state = CSharpScript.RunAsync<object>("", CellOptions(0), _globals, typeof(KernelGlobals)).GetAwaiter().GetResult();
            root = new Submission(null, (CSharpCompilation)_state.Script.GetCompilation(), "", CellPath(0));
        }
        else
        {
            var script = CSharpScript.Create<object>("", CellOptions(0), typeof(KernelGlobals));
            root = new Submission(null, (CSharpCompilation)script.GetCompilation(), "", CellPath(0));
            SubmissionRunner.Prime(root);
            _runner = new SubmissionRunner(root, _globals);
        }
        _last = root;
        return root;
    }

    private const string WarmUpCell =
        "var __warm = new List<double> { 1, 2 }.Select(x => x * 2).ToArray();\n" +
        "int __Twice(int n) { for (int i = 0; i < 2; i++) n += i; return n; }\n" +
        "Console.WriteLine($\"{__warm.Length} {__Twice(1)}\");\n" +
        "__warm.Sum()";

    private void WarmUp()
    {
        try
        {
            var rewritten = InterruptRewriter.Rewrite(CSharpSyntaxTree.ParseText(WarmUpCell, _parseOptions));
            if (_runner is { } runner)
            {
                // Compiled and loaded, never run nor committed: the chain stays as it was.
                if (runner.Compile(rewritten, Parse(rewritten, "warm-up.csx"), _warmUp.Token, out var errors) is null)
                    KernelLog.Write($"warm-up cell did not compile: {errors.Select(FormatDiagnostic).FirstOrDefault()}");
                return;
            }
            _state!.Script.ContinueWith<object>(rewritten, _continuationOptions.WithFilePath("warm-up.csx"))
                .CreateDelegate(_warmUp.Token);
        }
        catch (OperationCanceledException)
        {
            // a cell came first
        }
        catch (CompilationErrorException e)
        {
            KernelLog.Write($"warm-up cell did not compile: {e.Message}");
        }
    }

    public string WorkingDirectory { get; }

    public static string LanguageVersionText =>
        LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString();

    /// <summary>The last submission that ran, once the start-up compilation is done (waits for it).</summary>
    private Submission Last
    {
        get
        {
            _initial.GetAwaiter().GetResult();
            return _last!;
        }
    }

    /// <summary>
    /// The last submission that ran (what the next cell continues), without waiting for the start-up
    /// compilation: null until it is done. Completion chains its workspace on this.
    /// </summary>
    internal Submission? LastSubmission => _last;

    /// <summary>A cell's syntax tree as the compiler gets it: with its file name and an encoding (which a PDB needs).</summary>
    private SyntaxTree Parse(string code, string path) =>
        CSharpSyntaxTree.ParseText(Microsoft.CodeAnalysis.Text.SourceText.From(code, Encoding.UTF8), _parseOptions, path);

    /// <summary>The code as a submission after the last one, compiled only as far as a question needs (completion, inspection).</summary>
    private CSharpCompilation Continuation(string code)
    {
        var last = Last.Compilation;
        return CSharpCompilation.CreateScriptCompilation("completion", Parse(code, CellPath(0)), references: null,
            last.Options.WithScriptClassName("Completion").WithConcurrentBuild(false), last, typeof(object), typeof(KernelGlobals));
    }

    /// <summary>The file name a cell's code carries (stack frames show it as "Cell In[n]").</summary>
    private ScriptOptions CellOptions(int executionCount) =>
        _options.WithFilePath(CellPath(executionCount));

    private string CellPath(int executionCount) => Path.Combine(WorkingDirectory, $"cell-{executionCount}.csx");

    [GeneratedRegex(@"^\s*#r\s+""(nuget:[^""]*)""", RegexOptions.Multiline)]
    private static partial Regex NuGetDirective();

    [GeneratedRegex(@"cell-(\d+)\.csx$")]
    private static partial Regex CellFile();

    public CellOutcome Execute(string code, int executionCount, CancellationToken token)
    {
        _warmUp.Cancel();
        foreach (Match m in NuGetDirective().Matches(code))
        {
            try
            {
                _nuget.Restore(m.Groups[1].Value, token);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException or NullReferenceException or InvalidCastException)
            {
                return CellOutcome.Error("NuGetRestoreError", e.Message, [$"NuGetRestoreError: {e.Message}"]);
            }
        }

        _initial.GetAwaiter().GetResult();
        var path = CellPath(executionCount);
        var tree = Parse(code, path);
        // Comments only: nothing to compile, load or run (a compilation would cost ~10 ms).
        if (HasNoCode(tree)) return CellOutcome.Success(null);
        var rewritten = InterruptRewriter.Rewrite(tree);
        return _runner is { } runner ? Run(runner, code, tree, rewritten, token) : RunScripting(code, rewritten, path, token);
    }

    /// <summary>
    /// Compiles the cell with its interrupt and stack checks and runs it. Compile errors come from
    /// the cell as written, so their positions are the user's; should only the rewritten cell fail
    /// to compile, the cell runs without checks.
    /// </summary>
    private CellOutcome Run(SubmissionRunner runner, string code, SyntaxTree tree, string rewritten, CancellationToken token)
    {
        SubmissionRunner.Running run;
        try
        {
            var cell = rewritten == code ? null : runner.Compile(rewritten, Parse(rewritten, tree.FilePath), token, out _);
            if (cell is null)
            {
                cell = runner.Compile(code, tree, token, out var errors);
                if (cell is null)
                {
                    var lines = errors.Select(FormatDiagnostic).ToList();
                    return CellOutcome.Error("CompilationError", lines.FirstOrDefault() ?? "the cell did not compile", lines);
                }
            }
            run = runner.Start(cell, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return Interrupted();
        }
        try
        {
            run.Task.Wait(token);
        }
        catch (OperationCanceledException)
        {
            // Rewritten code stops at its next check; an await on something that ignores the
            // token (Task.Delay without one) is abandoned instead, keeping the previous state.
            try
            {
                if (!run.Task.Wait(TimeSpan.FromMilliseconds(500))) return Interrupted();
            }
            catch (AggregateException)
            {
                // the cell failed: reported below
            }
        }
        catch (AggregateException)
        {
            // the cell failed: reported below
        }
        runner.Commit(run); // keeps what the cell defined before an exception, as IPython does
        _last = runner.Last;
        object? value;
        try
        {
            value = run.Task.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            if (ex is OperationCanceledException && token.IsCancellationRequested) return Interrupted();
            return CellOutcome.Error(ex.GetType().Name, ex.Message, Traceback(ex));
        }
        return CellOutcome.Success(value);
    }

    /// <summary>The cell through Roslyn's scripting API (MUSICLM_KERNEL_EXECUTION=scripting).</summary>
    private CellOutcome RunScripting(string code, string rewritten, string path, CancellationToken token)
    {
        var state = _state!;
        var options = _continuationOptions.WithFilePath(path);
        ScriptState<object> next;
        try
        {
            var run = Start(state, code, rewritten, options, token);
            try
            {
                run.Wait(token);
            }
            catch (OperationCanceledException)
            {
                // Rewritten code stops at its next check; an await on something that ignores the
                // token (Task.Delay without one) is abandoned instead, keeping the previous state.
                if (!run.Wait(TimeSpan.FromMilliseconds(500))) return Interrupted();
            }
            catch (AggregateException)
            {
                // rethrown unwrapped just below
            }
            next = run.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return Interrupted();
        }
        catch (CompilationErrorException e)
        {
            var lines = e.Diagnostics.Select(FormatDiagnostic).ToList();
            return CellOutcome.Error("CompilationError", lines.FirstOrDefault() ?? e.Message, lines);
        }
        _state = next; // keeps what the cell defined before an exception, as IPython does
        _last = new Submission(_last, (CSharpCompilation)next.Script.GetCompilation(), next.Script.Code, path);
        if (next.Exception is { } ex)
        {
            if (ex is OperationCanceledException && token.IsCancellationRequested) return Interrupted();
            return CellOutcome.Error(ex.GetType().Name, ex.Message, Traceback(ex));
        }
        return CellOutcome.Success(next.ReturnValue);
    }

    /// <summary>
    /// As <see cref="Run"/>, through the scripting API. The compilation is Roslyn's emit only: Script.Compile
    /// would bind every method body a second time to collect warnings, which the kernel does not show.
    /// </summary>
    private static Task<ScriptState<object>> Start(ScriptState<object> state, string code, string rewritten, ScriptOptions options, CancellationToken token)
    {
        if (rewritten != code)
        {
            try
            {
                return state.Script.ContinueWith<object>(rewritten, options).RunFromAsync(state, _ => true, token);
            }
            catch (CompilationErrorException)
            {
                // reported from the original text below
            }
        }
        return state.Script.ContinueWith<object>(code, options).RunFromAsync(state, _ => true, token);
    }

    /// <summary>Only trivia: no statement, declaration, using, attribute or directive (#r, #load).</summary>
    private static bool HasNoCode(SyntaxTree tree) =>
        tree.GetRoot() is CompilationUnitSyntax { Members.Count: 0, Usings.Count: 0, Externs.Count: 0, AttributeLists.Count: 0, ContainsDirectives: false } &&
        !tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);

    private static CellOutcome Interrupted() =>
        CellOutcome.Error(InterruptedName, "The cell was interrupted; variables defined before it are kept.",
            [$"{InterruptedName}: the cell was interrupted"]);

    public static string FormatDiagnostic(Diagnostic d)
    {
        var severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        if (!d.Location.IsInSource) return $"{severity} {d.Id}: {d.GetMessage()}";
        var p = d.Location.GetLineSpan().StartLinePosition;
        return $"({p.Line + 1},{p.Character + 1}): {severity} {d.Id}: {d.GetMessage()}";
    }

    /// <summary>The exception's frames in cells and user libraries; Roslyn, kernel and async plumbing left out.</summary>
    internal static List<string> Traceback(Exception ex)
    {
        var lines = new List<string> { $"{ex.GetType().FullName}: {ex.Message}" };
        var repeats = 0; // a recursion's frames, shown as Python does: three, then a count
        void Add(string line)
        {
            if (lines.Count >= 4 && lines[^1] == line && lines[^2] == line && lines[^3] == line)
            {
                repeats++;
                return;
            }
            FlushRepeats();
            lines.Add(line);
        }
        void FlushRepeats()
        {
            if (repeats > 0) lines.Add($"   [previous line repeated {repeats} more times]");
            repeats = 0;
        }
        foreach (var frame in new StackTrace(ex, true).GetFrames())
        {
            var method = frame.GetMethod();
            if (method is null) continue;
            var type = method.DeclaringType;
            var asm = type?.Assembly.GetName().Name ?? "";
            if (asm.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || asm == "musiclm-kernel") continue;
            var ns = type?.Namespace ?? "";
            if (ns.StartsWith("System.Runtime.CompilerServices", StringComparison.Ordinal) ||
                ns.StartsWith("System.Runtime.ExceptionServices", StringComparison.Ordinal) ||
                ns.StartsWith("System.Threading.Tasks", StringComparison.Ordinal) ||
                ns == "System.Threading" && type?.Name == "ExecutionContext") continue;
            var file = frame.GetFileName();
            var line = frame.GetFileLineNumber();
            if (file is null && CellLines.Find(method, frame.GetILOffset()) is { } found) (file, line) = found;
            var cell = file is null ? null : CellFile().Match(file);
            var name = MethodDisplayName(method);
            if (cell is { Success: true })
            {
                var where = name is "<Initialize>" or "<Main>$" ? "" : $", in {name}";
                Add($"   at Cell In[{cell.Groups[1].Value}], line {line}{where}");
            }
            else if (type?.FullName?.StartsWith("Submission#", StringComparison.Ordinal) == true)
            {
                Add($"   at cell code{(name == "<Initialize>" ? "" : $", in {name}")}");
            }
            else
            {
                var location = file is null ? "" : $" in {file}:line {line}";
                Add($"   at {FriendlyTypeName(type)}.{name}(){location}");
            }
        }
        FlushRepeats();
        if (ex.InnerException is { } inner)
        {
            lines.Add(" ---> inner exception:");
            lines.AddRange(Traceback(inner));
        }
        return lines;
    }

    private static string MethodDisplayName(MethodBase method)
    {
        // Async and iterator bodies live in a compiler-made MoveNext of "<Name>d__N".
        if (method.Name == "MoveNext" && method.DeclaringType?.Name is { } n && n.StartsWith('<') && n.LastIndexOf(">d__", StringComparison.Ordinal) is > 0 and var end)
            return n[1..end];
        var m = method.Name;
        // Local functions compile to "<Outer>g__Name|0_0".
        int g = m.IndexOf(">g__", StringComparison.Ordinal);
        if (g >= 0) return m[(g + 4)..m.IndexOf('|')];
        return m;
    }

    private static string FriendlyTypeName(Type? type)
    {
        while (type is not null && type.Name.StartsWith('<') && type.DeclaringType is not null) type = type.DeclaringType;
        var name = type?.FullName ?? "?";
        int hash = name.IndexOf("Submission#", StringComparison.Ordinal);
        return hash >= 0 ? name[(name.IndexOf('+', hash) + 1)..] : name;
    }

    // ---------------------------------------------------------------- is_complete

    /// <summary>"complete", "incomplete" (unbalanced braces, unterminated statement) or "invalid".</summary>
    public string IsComplete(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, _parseOptions);
        if (!SyntaxFactory.IsCompleteSubmission(tree)) return "incomplete";
        return tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) ? "invalid" : "complete";
    }

    // ---------------------------------------------------------------- completion

    private static readonly string[] Keywords =
        SyntaxFacts.GetKeywordKinds().Concat(SyntaxFacts.GetContextualKeywordKinds())
            .Select(SyntaxFacts.GetText).Where(k => k.Length > 0 && char.IsLetter(k[0])).Distinct().ToArray();

    public (List<string> Matches, int Start, int End) Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        int start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(code[start - 1]) || code[start - 1] == '_')) start--;
        var prefix = code[start..cursor];

        var compilation = Continuation(code[..cursor]);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var root = tree.GetRoot();

        IEnumerable<ISymbol> symbols;
        bool members = false;
        var dot = start > 0 ? root.FindToken(start - 1) : default;
        if (start > 0 && dot.IsKind(SyntaxKind.DotToken) && dot.Parent is MemberAccessExpressionSyntax access)
        {
            members = true;
            symbols = MembersOf(model, access.Expression, start);
        }
        else if (start > 0 && dot.IsKind(SyntaxKind.DotToken) && dot.Parent is QualifiedNameSyntax qualified &&
                 model.GetSymbolInfo(qualified.Left).Symbol is INamespaceOrTypeSymbol container)
        {
            members = true;
            symbols = model.LookupNamespacesAndTypes(start, container);
        }
        else
        {
            symbols = model.LookupSymbols(start).Concat(PreviousSubmissionMembers(compilation));
        }

        var names = symbols
            .Where(s => s.CanBeReferencedByName && !s.IsImplicitlyDeclared)
            .Select(s => s.Name)
            .Concat(members ? [] : Keywords)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        return (names, start, cursor);
    }

    private static IEnumerable<ISymbol> MembersOf(SemanticModel model, ExpressionSyntax expression, int position)
    {
        var symbol = model.GetSymbolInfo(expression).Symbol;
        if (symbol is INamespaceSymbol ns) return model.LookupNamespacesAndTypes(position, ns);
        if (symbol is ITypeSymbol staticType)
            return model.LookupStaticMembers(position, staticType).Concat(model.LookupNamespacesAndTypes(position, staticType));
        var type = model.GetTypeInfo(expression).Type;
        if (type is null || type.TypeKind == TypeKind.Error) return [];
        return model.LookupSymbols(position, type, includeReducedExtensionMethods: true).Where(s => !s.IsStatic || s is IMethodSymbol { ReducedFrom: not null });
    }

    private static IEnumerable<ISymbol> PreviousSubmissionMembers(Compilation compilation)
    {
        for (var c = compilation.ScriptCompilationInfo?.PreviousScriptCompilation; c is not null; c = c.ScriptCompilationInfo?.PreviousScriptCompilation)
            if (c.ScriptClass is { } scriptClass)
                foreach (var m in scriptClass.GetMembers()) yield return m;
    }

    // ---------------------------------------------------------------- inspection

    /// <summary>The signature(s) and XML summary of the symbol at the cursor; null when there is none.</summary>
    public string? Inspect(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var compilation = Continuation(code);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var root = tree.GetRoot();
        var token = root.FindToken(Math.Max(0, cursor - 1));
        if (!token.IsKind(SyntaxKind.IdentifierToken) && cursor < code.Length) token = root.FindToken(cursor);
        if (token.Parent is null) return null;

        SyntaxNode node = token.Parent;
        if (node.Parent is MemberAccessExpressionSyntax ma && ma.Name == node) node = ma;
        if (node.Parent is InvocationExpressionSyntax inv && inv.Expression == node) node = inv;

        var info = model.GetSymbolInfo(node);
        var candidates = info.Symbol is { } s ? [s] : info.CandidateSymbols.ToList();
        if (candidates.Count == 0 && node is ExpressionSyntax expr)
            candidates = [.. model.GetMemberGroup(expr)];
        if (candidates.Count == 0 && model.GetDeclaredSymbol(token.Parent) is { } declared) candidates = [declared];
        if (candidates.Count == 0 && node is ExpressionSyntax e2 && model.GetTypeInfo(e2).Type is { TypeKind: not TypeKind.Error } t) candidates = [t];
        if (candidates.Count == 0) return null;

        var text = new StringBuilder();
        foreach (var c in candidates.Take(12))
        {
            text.AppendLine(c.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat));
        }
        if (candidates.Count > 12) text.AppendLine($"(+{candidates.Count - 12} more overloads)");
        var summary = candidates.Select(Summary).FirstOrDefault(x => x is not null);
        if (summary is not null) text.AppendLine().AppendLine(summary);
        return text.ToString().TrimEnd();
    }

    private static string? Summary(ISymbol symbol)
    {
        var xml = symbol.GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml)) return null;
        try
        {
            var summary = XElement.Parse(xml).Element("summary");
            if (summary is null) return null;
            var parts = summary.Nodes().Select(n => n switch
            {
                XText t => t.Value,
                XElement el => el.Attribute("cref")?.Value.Split(':').Last() ?? el.Attribute("langword")?.Value ?? el.Attribute("name")?.Value ?? el.Value,
                _ => "",
            });
            return Regex.Replace(string.Concat(parts), @"\s+", " ").Trim();
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    // ---------------------------------------------------------------- references

    /// <summary>
    /// The shared framework's assemblies, with the reference pack's XML docs where the SDK has them
    /// (so inspection can show summaries).
    /// </summary>
    private static IEnumerable<MetadataReference> FrameworkReferences()
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var docsDir = ReferencePackDocs(frameworkDir);
        var tpa = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var path in tpa)
        {
            if (!string.Equals(Path.GetDirectoryName(path), frameworkDir, StringComparison.Ordinal)) continue;
            var name = Path.GetFileNameWithoutExtension(path);
            if (!(name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal) ||
                  name is "netstandard" or "mscorlib")) continue;
            if (name.StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal)) continue;
            var xml = docsDir is null ? null : Path.Combine(docsDir, name + ".xml");
            DocumentationProvider? docs = xml is not null && File.Exists(xml) ? new XmlDocs(xml) : null;
            yield return MetadataReference.CreateFromFile(path, documentation: docs);
        }
    }

    private static string? ReferencePackDocs(string frameworkDir)
    {
        try
        {
            // <dotnet>/shared/Microsoft.NETCore.App/<version>/ → <dotnet>/packs/Microsoft.NETCore.App.Ref/<version>/ref/net<M.m>/
            var dotnetRoot = Path.GetFullPath(Path.Combine(frameworkDir, "..", "..", ".."));
            var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
            if (!Directory.Exists(packs)) return null;
            var tfm = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
            return Directory.GetDirectories(packs)
                .Select(d => Path.Combine(d, "ref", tfm))
                .Where(Directory.Exists)
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
