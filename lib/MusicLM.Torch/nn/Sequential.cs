using System.Collections;

namespace MusicLM.Torch.nn;

/// <summary>
/// Modules applied one after another. Children are named "0", "1", … as in PyTorch, so a
/// <c>Sequential</c> field <c>net</c> gives state_dict keys <c>net.0.weight</c>, <c>net.2.bias</c>.
/// Intermediate outputs are disposed as soon as the next module has used them.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>, IReadOnlyList<Module<Tensor, Tensor>>
{
    private readonly List<Module<Tensor, Tensor>> items;

    public Sequential(params Module<Tensor, Tensor>[] modules) => items = new List<Module<Tensor, Tensor>>(modules);

    public Sequential(IEnumerable<Module<Tensor, Tensor>> modules) => items = new List<Module<Tensor, Tensor>>(modules);

    public Module<Tensor, Tensor> this[int index] => items[index];
    public int Count => items.Count;

    public Sequential append(Module<Tensor, Tensor> module)
    {
        items.Add(module);
        return this;
    }

    public override Tensor forward(Tensor x)
    {
        var h = x;
        foreach (var m in items)
        {
            var next = m.forward(h);
            // A module may hand back its input object; never dispose the caller's x.
            if (!ReferenceEquals(h, x) && !ReferenceEquals(h, next)) h.Dispose();
            h = next;
        }
        return ReferenceEquals(h, x) ? x.alias() : h;
    }

    protected override IEnumerable<(string name, Module module)> ExtraChildren() => items.Select((m, i) => (i.ToString(), (Module)m));

    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
