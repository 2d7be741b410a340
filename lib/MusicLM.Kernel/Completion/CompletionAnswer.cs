namespace MusicLM.Kernel.Completion;

/// <summary>
/// A complete_reply before it is written out: the matches and the UTF-16 span of the code they
/// replace (<see cref="CodePoints"/> turns it into the protocol's code points). <see cref="Source"/>
/// says which completer answered ("roslyn" or "basic"), for the log and the tests.
/// </summary>
internal sealed record CompletionAnswer(IReadOnlyList<CompletionMatch> Matches, int Start, int End, string Source);
