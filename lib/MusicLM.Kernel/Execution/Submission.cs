using Microsoft.CodeAnalysis.CSharp;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// A cell that ran (or the empty start-up submission): its compilation, which chains to the cells
/// before it as Roslyn chains script submissions, the code as the person wrote it, and the file name
/// its syntax tree carries. Completion mirrors this chain; nothing in it changes once made.
/// </summary>
internal sealed class Submission(Submission? previous, CSharpCompilation compilation, string code, string filePath)
{
    public Submission? Previous { get; } = previous;

    public CSharpCompilation Compilation { get; } = compilation;

    public string Code { get; } = code;

    public string FilePath { get; } = filePath;

    /// <summary>The type whose members cells see as globals (<see cref="KernelGlobals"/>).</summary>
    public Type? GlobalsType => Compilation.ScriptCompilationInfo?.GlobalsType;
}
