using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Makes the neighbours of <c>#r</c>'d assemblies loadable: managed dependencies and native
/// libraries lying in the same folder. Every load context that appears (Roslyn loads script
/// references into contexts of its own) gets the probing handlers.
/// </summary>
internal sealed class AssemblyProbing
{
    private readonly ConcurrentDictionary<string, byte> _folders = new();
    private readonly ConcurrentDictionary<AssemblyLoadContext, byte> _hooked = new();

    public void Install()
    {
        Hook(AssemblyLoadContext.Default);
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
        {
            var context = AssemblyLoadContext.GetLoadContext(e.LoadedAssembly);
            if (context is not null) Hook(context);
        };
    }

    public void AddFolderOf(string assemblyPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(assemblyPath));
        if (dir is not null) _folders.TryAdd(dir, 0);
    }

    private void Hook(AssemblyLoadContext context)
    {
        if (!_hooked.TryAdd(context, 0)) return;
        context.Resolving += ResolveManaged;
        context.ResolvingUnmanagedDll += ResolveNative;
    }

    private Assembly? ResolveManaged(AssemblyLoadContext context, AssemblyName name)
    {
        foreach (var dir in _folders.Keys)
        {
            var path = Path.Combine(dir, name.Name + ".dll");
            if (File.Exists(path)) return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
        return null;
    }

    private IntPtr ResolveNative(Assembly assembly, string name)
    {
        foreach (var dir in _folders.Keys)
        {
            foreach (var candidate in new[] { name, $"lib{name}.so", $"{name}.so", $"lib{name}" })
            {
                var path = Path.Combine(dir, candidate);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
        }
        return IntPtr.Zero;
    }
}
