using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Completion;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Tags;
using Microsoft.CodeAnalysis.Text;
using MusicLM.Kernel.Execution;

namespace MusicLM.Kernel.Completion;

/// <summary>
/// Completion through Roslyn's <see cref="CompletionService"/>, the one the IDEs use. A workspace
/// mirrors the kernel's chain of submissions: one submission project per cell that ran (its code,
/// compilation options, references and globals type taken from the kernel's own script compilation,
/// so usings, <c>#r</c> and earlier variables, methods and classes are all there), each referencing
/// the one before, as the compiler chains submissions. The code being completed is the document of
/// one more project after the last. Projects are only ever added, so earlier cells' compilations
/// stay cached in the solution and a completion compiles just the text being typed.
/// Not thread-safe: <see cref="KernelCompletion"/> calls it under a lock.
/// </summary>
internal sealed class RoslynCompletion
{
    private static readonly CSharpParseOptions ScriptParse = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    private readonly AdhocWorkspace _workspace;
    private readonly Dictionary<Submission, ProjectId> _submissions = new(ReferenceEqualityComparer.Instance);
    private readonly ProjectId _cellProject = ProjectId.CreateNewId("cell");
    private readonly DocumentId _cellDocument;
    private readonly string _cellPath;
    private Solution _solution;
    private Submission? _head;
    private CachedList? _list;

    /// <summary>Composes the IDE services (MEF over the Features and Workspaces assemblies): seconds, once.</summary>
    public RoslynCompletion(string workingDirectory)
    {
        _workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        _solution = _workspace.CurrentSolution;
        _cellDocument = DocumentId.CreateNewId(_cellProject, "cell");
        // Relative #r paths in the code being completed resolve against the notebook's folder.
        _cellPath = Path.Combine(workingDirectory, "completion.csx");
    }

    /// <summary>
    /// The completions at UTF-16 offset <paramref name="position"/> of <paramref name="code"/>, typed
    /// as a cell that continues <paramref name="last"/>, filtered and ordered by the word being typed.
    /// </summary>
    public async Task<CompletionAnswer> CompleteAsync(Submission last, string code, int position, CancellationToken token)
    {
        position = Math.Clamp(position, 0, code.Length);
        var (wordStart, wordEnd) = Word(code, position);
        var before = code[..wordStart];
        var after = code[wordEnd..];
        if (_list is { } cached && ReferenceEquals(cached.Head, last) && cached.Start == wordStart &&
            cached.Before == before && cached.After == after)
            return Answer(cached.Items, code, wordStart, position, wordEnd);

        var document = Document(last, code);
        var service = CompletionService.GetService(document)
            ?? throw new InvalidOperationException("the workspace has no C# completion service");
        var list = await service.GetCompletionsAsync(document, position, cancellationToken: token).ConfigureAwait(false);
        var span = list.Span;
        if (list.ItemsList.Count == 0 || span.Start > position || span.End < position)
        {
            _list = null;
            return new CompletionAnswer([], position, position, "roslyn");
        }
        // Typing on in the same word keeps the context, so the list is filtered again, as an IDE does.
        _list = span.Start == wordStart && span.End == wordEnd ? new CachedList(last, wordStart, before, after, list.ItemsList) : null;
        return Answer(list.ItemsList, code, span.Start, position, span.End);
    }

    /// <summary>The items that fit the text typed between <paramref name="start"/> and the cursor, best first, as replacements of [start, end).</summary>
    private static CompletionAnswer Answer(IReadOnlyList<CompletionItem> items, string code, int start, int position, int end)
    {
        var typed = code[start..position];
        var ranked = MatchRanking.Rank(items.Where(Insertable), i => i.FilterText, i => i.SortText, typed);
        var matches = new List<CompletionMatch>(ranked.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in ranked)
        {
            var text = InsertionText(item);
            if (seen.Add(text)) matches.Add(new CompletionMatch(text, Kind(item)));
        }
        return new CompletionAnswer(matches, start, end, "roslyn");
    }

    /// <summary>The identifier characters around the cursor (an empty span right after a dot or a space).</summary>
    private static (int Start, int End) Word(string code, int position)
    {
        int start = position, end = position;
        while (start > 0 && IsWordChar(code[start - 1])) start--;
        while (end < code.Length && IsWordChar(code[end])) end++;
        return (start, end);
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>The last list Roslyn computed: for the word at <see cref="Start"/> between <see cref="Before"/> and <see cref="After"/>, after submission <see cref="Head"/>.</summary>
    private sealed record CachedList(Submission Head, int Start, string Before, string After, IReadOnlyList<CompletionItem> Items);

    /// <summary>The cell document, in a project continuing <paramref name="last"/>; submissions not yet mirrored are added first.</summary>
    private Document Document(Submission last, string code)
    {
        if (!ReferenceEquals(last, _head))
        {
            var previous = AddSubmissions(last);
            var compilation = last.Compilation;
            if (_solution.ContainsProject(_cellProject)) _solution = _solution.RemoveProject(_cellProject);
            _solution = _solution.AddProject(SubmissionInfo(_cellProject, "Completion", compilation, last.GlobalsType, previous,
                [DocumentInfo.Create(_cellDocument, Path.GetFileName(_cellPath), sourceCodeKind: SourceCodeKind.Script,
                    filePath: _cellPath, loader: TextLoader.From(TextAndVersion.Create(SourceText.From(code), VersionStamp.Create())))]));
            _head = last;
        }
        _solution = _solution.WithDocumentText(_cellDocument, SourceText.From(code));
        return _solution.GetDocument(_cellDocument)!;
    }

    /// <summary>Mirrors the submissions from the newest already mirrored one up to <paramref name="last"/>; the last one's project.</summary>
    private ProjectId AddSubmissions(Submission last)
    {
        var missing = new Stack<Submission>();
        ProjectId? previous = null;
        for (var s = last; s is not null; s = s.Previous)
        {
            if (_submissions.TryGetValue(s, out var known))
            {
                previous = known;
                break;
            }
            missing.Push(s);
        }
        while (missing.TryPop(out var script))
        {
            var id = ProjectId.CreateNewId($"submission {_submissions.Count}");
            var name = $"Submission{_submissions.Count}";
            var compilation = script.Compilation;
            var path = script.FilePath is { Length: > 0 } p ? p : name + ".csx";
            var text = TextAndVersion.Create(SourceText.From(script.Code), VersionStamp.Create());
            _solution = _solution.AddProject(SubmissionInfo(id, name, compilation, script.GlobalsType, previous,
                [DocumentInfo.Create(DocumentId.CreateNewId(id), Path.GetFileName(path), sourceCodeKind: SourceCodeKind.Script,
                    filePath: path, loader: TextLoader.From(text))]));
            _submissions[script] = id;
            previous = id;
        }
        return previous!;
    }

    private static ProjectInfo SubmissionInfo(ProjectId id, string name, Compilation compilation, Type? globals, ProjectId? previous, IEnumerable<DocumentInfo> documents) =>
        ProjectInfo.Create(id, VersionStamp.Create(), name, name, LanguageNames.CSharp,
            compilationOptions: compilation.Options,
            parseOptions: compilation.SyntaxTrees.FirstOrDefault()?.Options ?? ScriptParse,
            documents: documents,
            projectReferences: previous is null ? [] : [new ProjectReference(previous)],
            // The references given to the compiler; #r directives resolve again through the options' resolver.
            metadataReferences: compilation.ExternalReferences,
            isSubmission: true,
            hostObjectType: globals);

    /// <summary>
    /// Items a front end can insert as plain text over the span: not those that rewrite more of
    /// the document (override stubs, conversions, snippets), which only an IDE can apply.
    /// </summary>
    private static bool Insertable(CompletionItem item) =>
        !item.IsComplexTextEdit && item.DisplayTextPrefix.Length == 0 && item.DisplayText.Length > 0;

    /// <summary>The text the symbol provider would insert (a generic type without its "&lt;&gt;", an escaped @keyword).</summary>
    private static string InsertionText(CompletionItem item) =>
        item.Properties.TryGetValue("InsertionText", out var text) && !string.IsNullOrEmpty(text) ? text : item.DisplayText;

    /// <summary>The IPython-style kind of an item, from the glyph tags Roslyn gives it.</summary>
    private static string? Kind(CompletionItem item)
    {
        foreach (var tag in item.Tags)
        {
            switch (tag)
            {
                case WellKnownTags.Method or WellKnownTags.ExtensionMethod: return "method";
                case WellKnownTags.Property: return "property";
                case WellKnownTags.Field: return "field";
                case WellKnownTags.Event: return "event";
                case WellKnownTags.Class: return "class";
                case WellKnownTags.Structure: return "struct";
                case WellKnownTags.Interface: return "interface";
                case WellKnownTags.Enum: return "enum";
                case WellKnownTags.EnumMember: return "enum member";
                case WellKnownTags.Delegate: return "delegate";
                case WellKnownTags.Namespace: return "namespace";
                case WellKnownTags.Keyword: return "keyword";
                case WellKnownTags.Local or WellKnownTags.Parameter or WellKnownTags.RangeVariable: return "variable";
                case WellKnownTags.Constant: return "constant";
                case WellKnownTags.TypeParameter: return "type parameter";
                case WellKnownTags.Module: return "module";
                case WellKnownTags.Snippet: return "snippet";
            }
        }
        return null;
    }

    /// <summary>The items at a position, unfiltered: what warm-up runs so the first real request finds the code paths compiled.</summary>
    internal async Task WarmUpAsync(Submission last, CancellationToken token)
    {
        await CompleteAsync(last, "Console.Wri", "Console.Wri".Length, token).ConfigureAwait(false);
        await CompleteAsync(last, "new List<int>().Whe", "new List<int>().Whe".Length, token).ConfigureAwait(false);
        await CompleteAsync(last, "", 0, token).ConfigureAwait(false);
    }
}
