using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Where the cells' assemblies live: one load context for all of them, as Roslyn's scripting loader
/// keeps, so that a cell's reference to an earlier cell binds to that cell's loaded assembly. Every
/// other name goes to the default context (the framework, the kernel, and what <c>#r</c> brought in,
/// found there by <see cref="AssemblyProbing"/> and <see cref="NuGetRestorer"/>), so a library type
/// is the same type in every cell. Never unloaded: objects a cell made outlive it.
/// </summary>
internal sealed class SubmissionLoadContext() : AssemblyLoadContext("cells", isCollectible: false)
{
    private readonly ConcurrentDictionary<string, Assembly> _cells = new(StringComparer.Ordinal);

    /// <summary>Loads a cell's image.</summary>
    public Assembly LoadCell(string assemblyName, Stream image)
    {
        var assembly = LoadFromStream(image);
        _cells[assemblyName] = assembly;
        return assembly;
    }

    protected override Assembly? Load(AssemblyName name) =>
        name.Name is { } simple && _cells.TryGetValue(simple, out var cell) ? cell : null;
}
