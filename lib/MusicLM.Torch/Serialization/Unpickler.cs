using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace MusicLM.Torch.Serialization;

/// <summary>A Python dict (or OrderedDict) from a pickle: insertion-ordered, later keys overwrite.</summary>
internal sealed class PyDict
{
    private readonly List<KeyValuePair<object?, object?>> items = new();
    private readonly Dictionary<object, int> index = new();

    public IReadOnlyList<KeyValuePair<object?, object?>> Items => items;

    public void Set(object? key, object? value)
    {
        // Strings, ints and floats compare by value as in Python; anything else by identity.
        var k = key ?? PyNone.Value;
        if (index.TryGetValue(k, out int i)) items[i] = new(key, value);
        else
        {
            index[k] = items.Count;
            items.Add(new(key, value));
        }
    }
}

/// <summary>Python's None as a dictionary key.</summary>
internal sealed class PyNone
{
    public static readonly PyNone Value = new();
}

/// <summary>A global the pickle may name: only the whitelisted ones below are ever created.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A storage named by a persistent id: <c>('storage', FloatStorage, key, location, numel)</c>.</summary>
internal sealed record StorageRef(string Key, ScalarType DType, long NumElements);

/// <summary>What <c>torch._utils._rebuild_tensor_v2</c> was asked to build, not yet materialized.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);

/// <summary>
/// A minimal, safe unpickler for <c>data.pkl</c> inside <c>torch.save</c> archives. Unlike Python's
/// pickle it runs no code: GLOBAL/STACK_GLOBAL accept only the whitelisted names that
/// <c>torch.save</c> writes for state dicts, and REDUCE "calls" them by building plain records
/// (<see cref="PyDict"/>, <see cref="TensorRef"/>). Every length is checked against the bytes left,
/// so hostile input fails with a <see cref="CheckpointFormatException"/>.
/// </summary>
internal sealed class Unpickler
{
    private static readonly Dictionary<string, ScalarType> StorageTypes = new()
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.UInt8,
        ["BoolStorage"] = ScalarType.Bool,
        // PyTorch 2.x untyped storages hold bytes; the tensor's dtype then comes from elsewhere, which
        // state dicts never need, so they are read as uint8.
        ["UntypedStorage"] = ScalarType.UInt8,
    };

    private static readonly HashSet<string> Globals = new()
    {
        "collections.OrderedDict",
        "builtins.dict", "__builtin__.dict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch._tensor._rebuild_from_type_v2",
        "torch.Tensor", "torch._tensor.Tensor",
        "torch.nn.parameter.Parameter",
        "torch.Size",
        "_codecs.encode", // how protocol 2 pickles a bytes value: _codecs.encode(text, "latin1")
    };

    private readonly byte[] data;
    private readonly string path;
    private int pos;
    private readonly List<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = new();

    private Unpickler(byte[] data, string path)
    {
        this.data = data;
        this.path = path;
    }

    /// <summary>Unpickles <paramref name="data"/> (named <paramref name="path"/> in errors).</summary>
    public static object? Load(byte[] data, string path) => new Unpickler(data, path).Run();

    private CheckpointFormatException Bad(string problem) => new(path, $"data.pkl at byte {pos}: {problem}");

    private object? Run()
    {
        while (true)
        {
            if (pos >= data.Length) throw Bad("pickle ends without STOP");
            int at = pos;
            byte op = data[pos++];
            switch (op)
            {
                case 0x80: // PROTO
                    {
                        int v = U8();
                        if (v > 5) throw Bad($"pickle protocol {v} is newer than 5");
                        break;
                    }
                case 0x95: Bytes(8); break; // FRAME: an 8-byte length hint; frames are not needed to parse
                case (byte)'}': Push(new PyDict()); break; // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'(': marks.Push(stack.Count); break; // MARK
                case (byte)'X': Push(Utf8(U32Len())); break; // BINUNICODE
                case 0x8c: Push(Utf8(U8())); break; // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(U64Len())); break; // BINUNICODE8
                case (byte)'T': Push(Latin1(U32Len())); break; // BINSTRING (protocol 1 str)
                case (byte)'U': Push(Latin1(U8())); break; // SHORT_BINSTRING
                case (byte)'B': Push(Bytes(U32Len()).ToArray()); break; // BINBYTES
                case (byte)'C': Push(Bytes(U8()).ToArray()); break; // SHORT_BINBYTES
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break; // BININT
                case (byte)'K': Push((long)U8()); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break; // BININT2
                case 0x8a: Push(Long(U8())); break; // LONG1
                case 0x8b: // LONG4
                    {
                        int n = U32Len();
                        if (n > 1024) throw Bad($"LONG4 of {n} bytes is larger than any tensor metadata");
                        Push(Long(n));
                        break;
                    }
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break; // BINFLOAT
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'N': Push(null); break; // NONE
                case (byte)'t': Push(PopMark().ToArray()); break; // TUPLE
                case 0x85: { var a = Pop(); Push(new[] { a }); break; } // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'l': Push(PopMark()); break; // LIST
                case (byte)'d': // DICT
                    {
                        var items = PopMark();
                        Push(ToDict(items));
                        break;
                    }
                case (byte)'c': // GLOBAL "module\nname\n"
                    {
                        var module = Line();
                        var name = Line();
                        Push(Global(module, name));
                        break;
                    }
                case 0x93: // STACK_GLOBAL
                    {
                        var name = Pop() as string ?? throw Bad("STACK_GLOBAL needs a string name");
                        var module = Pop() as string ?? throw Bad("STACK_GLOBAL needs a string module");
                        Push(Global(module, name));
                        break;
                    }
                case (byte)'R': // REDUCE
                    {
                        var args = Pop() as object?[] ?? throw Bad("REDUCE needs an argument tuple");
                        var f = Pop() as PyGlobal ?? throw Bad("REDUCE needs a callable global");
                        Push(Call(f, args));
                        break;
                    }
                case 0x81: // NEWOBJ: cls.__new__(cls, *args)
                    {
                        var args = Pop() as object?[] ?? throw Bad("NEWOBJ needs an argument tuple");
                        var cls = Pop() as PyGlobal ?? throw Bad("NEWOBJ needs a class global");
                        Push(Call(cls, args));
                        break;
                    }
                case (byte)'b': // BUILD: obj.__setstate__(state)
                    {
                        var state = Pop();
                        var obj = Peek();
                        // An OrderedDict's state is its attributes (state_dict()._metadata: per-module
                        // versions); a tensor's is Python attributes. Neither changes the weights.
                        if (obj is not (PyDict or TensorRef)) throw Bad($"BUILD on {Describe(obj)} is not supported");
                        _ = state;
                        break;
                    }
                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop()));
                    break;
                case (byte)'q': Memo(U8()); break; // BINPUT
                case (byte)'r': Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))); break; // LONG_BINPUT
                case 0x94: Memo(memo.Count); break; // MEMOIZE
                case (byte)'h': Push(Get(U8())); break; // BINGET
                case (byte)'j': Push(Get(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))); break; // LONG_BINGET
                case (byte)'s': // SETITEM
                    {
                        var v = Pop();
                        var k = Pop();
                        var d = Peek() as PyDict ?? throw Bad($"SETITEM on {Describe(Peek())}, not a dict");
                        d.Set(k, v);
                        break;
                    }
                case (byte)'u': // SETITEMS
                    {
                        var items = PopMark();
                        var d = Peek() as PyDict ?? throw Bad($"SETITEMS on {Describe(Peek())}, not a dict");
                        if (items.Count % 2 != 0) throw Bad("SETITEMS with an odd number of items");
                        for (int i = 0; i < items.Count; i += 2) d.Set(items[i], items[i + 1]);
                        break;
                    }
                case (byte)'a': // APPEND
                    {
                        var v = Pop();
                        var l = Peek() as List<object?> ?? throw Bad($"APPEND on {Describe(Peek())}, not a list");
                        l.Add(v);
                        break;
                    }
                case (byte)'e': // APPENDS
                    {
                        var items = PopMark();
                        var l = Peek() as List<object?> ?? throw Bad($"APPENDS on {Describe(Peek())}, not a list");
                        l.AddRange(items);
                        break;
                    }
                case (byte)'0': Pop(); break; // POP
                case (byte)'2': Push(Peek()); break; // DUP
                case (byte)'.': // STOP
                    if (stack.Count != 1) throw Bad($"STOP with {stack.Count} values on the stack, expected 1");
                    return stack[0];
                default:
                    pos = at;
                    throw Bad($"unsupported pickle opcode 0x{op:x2} ('{(op is >= 32 and < 127 ? (char)op : '?')}'); only what torch.save writes for state dicts is read");
            }
        }
    }

    // ---- the whitelisted callables ----

    private PyGlobal Global(string module, string name)
    {
        var full = $"{module}.{name}";
        bool storage = (module == "torch" || module == "torch.storage") && StorageTypes.ContainsKey(name)
                       || module == "torch.storage" && name is "_TypedStorage" or "TypedStorage" or "_UntypedStorage";
        if (!storage && !Globals.Contains(full))
            throw Bad($"global '{Trim(full)}' is not allowed (a torch.save state dict only needs tensors, dicts and storages; refusing to run arbitrary code)");
        return new PyGlobal(module, name);
    }

    private object? Call(PyGlobal f, object?[] a)
    {
        switch (f.ToString())
        {
            case "collections.OrderedDict":
            case "builtins.dict":
            case "__builtin__.dict":
                {
                    var d = new PyDict();
                    if (a.Length == 0) return d;
                    if (a.Length == 1 && a[0] is PyDict src) { foreach (var kv in src.Items) d.Set(kv.Key, kv.Value); return d; }
                    if (a.Length == 1 && a[0] is List<object?> pairs)
                    {
                        foreach (var p in pairs)
                        {
                            if (p is not object?[] { Length: 2 } kv) throw Bad("OrderedDict from a list needs (key, value) pairs");
                            d.Set(kv[0], kv[1]);
                        }
                        return d;
                    }
                    throw Bad($"{f} called with unsupported arguments");
                }
            case "torch._utils._rebuild_tensor_v2":
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (a.Length < 4) throw Bad($"_rebuild_tensor_v2 needs at least 4 arguments, got {a.Length}");
                return Rebuild(a);
            case "torch._utils._rebuild_tensor":
                if (a.Length != 4) throw Bad($"_rebuild_tensor needs 4 arguments, got {a.Length}");
                return Rebuild(a);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                // (data, requires_grad, backward_hooks[, state])
                if (a.Length < 1 || a[0] is not TensorRef param) throw Bad($"{f.Name} needs a tensor as its first argument");
                return param;
            case "torch._tensor._rebuild_from_type_v2":
                {
                    // (func, type, args, state): func(*args), then the type and state are Python-side only.
                    if (a.Length < 3 || a[0] is not PyGlobal inner || a[2] is not object?[] innerArgs)
                        throw Bad("_rebuild_from_type_v2 needs (func, type, args, state)");
                    if (a[1] is not PyGlobal { Name: "Tensor" or "Parameter" }) throw Bad($"_rebuild_from_type_v2 of {Describe(a[1])} is not supported");
                    return Call(inner, innerArgs);
                }
            case "_codecs.encode":
                return a.Length == 2 && a[0] is string text && a[1] is "latin1" or "latin-1"
                    ? Encoding.Latin1.GetBytes(text)
                    : throw Bad("_codecs.encode needs (text, 'latin1')");
            case "torch.Size":
                return a.Length == 1 && a[0] is object?[] dims ? dims : throw Bad("torch.Size needs one tuple");
            default:
                throw Bad($"{f} cannot be called here");
        }
    }

    private TensorRef Rebuild(object?[] a)
    {
        if (a[0] is not StorageRef s) throw Bad($"tensor storage is {Describe(a[0])}, not a persistent storage");
        long offset = Int(a[1], "storage offset");
        var size = Ints(a[2], "size");
        var stride = Ints(a[3], "stride");
        if (size.Length != stride.Length) throw Bad($"tensor has {size.Length} sizes but {stride.Length} strides");
        return new TensorRef(s, offset, size, stride);
    }

    private StorageRef PersistentLoad(object? pid)
    {
        // ('storage', storage_type, key, location, numel)
        if (pid is not object?[] { Length: 5 } t || t[0] as string != "storage")
            throw Bad($"persistent id {Describe(pid)} is not a ('storage', type, key, location, numel) tuple");
        if (t[1] is not PyGlobal g || !StorageTypes.TryGetValue(g.Name, out var dtype))
            throw Bad($"persistent id names storage type {Describe(t[1])}, which is not supported");
        var key = t[2] as string ?? throw Bad("storage key is not a string");
        if (t[3] is not string) throw Bad("storage location is not a string");
        long numel = Int(t[4], "storage size");
        if (numel < 0) throw Bad($"storage '{Trim(key)}' has negative size {numel}");
        return new StorageRef(key, dtype, numel);
    }

    // ---- helpers ----

    private long Int(object? o, string what) => o switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw Bad($"{what} is {Describe(o)}, not an integer"),
    };

    private long[] Ints(object? o, string what)
    {
        if (o is not object?[] t) throw Bad($"{what} is {Describe(o)}, not a tuple");
        var r = new long[t.Length];
        for (int i = 0; i < t.Length; i++) r[i] = Int(t[i], what);
        return r;
    }

    private PyDict ToDict(List<object?> items)
    {
        if (items.Count % 2 != 0) throw Bad("DICT with an odd number of items");
        var d = new PyDict();
        for (int i = 0; i < items.Count; i += 2) d.Set(items[i], items[i + 1]);
        return d;
    }

    private void Push(object? o) => stack.Add(o);

    private object? Pop()
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks.Peek())) throw Bad("stack underflow");
        var o = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return o;
    }

    private object? Peek()
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks.Peek())) throw Bad("stack underflow");
        return stack[^1];
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0) throw Bad("no MARK to pop to");
        int m = marks.Pop();
        var items = stack.GetRange(m, stack.Count - m);
        stack.RemoveRange(m, stack.Count - m);
        return items;
    }

    private void Memo(long i) => memo[i] = Peek();

    private object? Get(long i) => memo.TryGetValue(i, out var o) ? o : throw Bad($"memo entry {i} was never stored");

    private int U8()
    {
        if (pos >= data.Length) throw Bad("pickle ends inside an opcode argument");
        return data[pos++];
    }

    private ReadOnlySpan<byte> Bytes(int n)
    {
        if (n < 0 || n > data.Length - pos) throw Bad($"an argument of {n} bytes runs past the end of the pickle ({data.Length - pos} left)");
        var s = data.AsSpan(pos, n);
        pos += n;
        return s;
    }

    private int U32Len()
    {
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));
        if (n > (uint)(data.Length - pos)) throw Bad($"length {n} runs past the end of the pickle ({data.Length - pos} bytes left)");
        return (int)n;
    }

    private int U64Len()
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));
        if (n > (ulong)(data.Length - pos)) throw Bad($"length {n} runs past the end of the pickle ({data.Length - pos} bytes left)");
        return (int)n;
    }

    private string Utf8(int n)
    {
        try { return new UTF8Encoding(false, true).GetString(Bytes(n)); }
        catch (DecoderFallbackException ex) { throw new CheckpointFormatException(path, $"data.pkl at byte {pos}: string is not valid UTF-8", ex); }
    }

    private string Latin1(int n) => Encoding.Latin1.GetString(Bytes(n));

    private object Long(int n)
    {
        var b = Bytes(n);
        if (n == 0) return 0L;
        var v = new BigInteger(b, isUnsigned: false, isBigEndian: false);
        return v >= long.MinValue && v <= long.MaxValue ? (long)v : v;
    }

    private string Line()
    {
        int end = Array.IndexOf(data, (byte)'\n', pos);
        if (end < 0 || end - pos > 256) throw Bad("GLOBAL name is not a short newline-terminated line");
        var s = Encoding.ASCII.GetString(data, pos, end - pos);
        pos = end + 1;
        return s;
    }

    private static string Trim(string s) => s.Length <= 80 ? s : s[..80] + "...";

    private static string Describe(object? o) => o switch
    {
        null => "None",
        string s => $"'{Trim(s)}'",
        long l => l.ToString(),
        object?[] t => $"a tuple of {t.Length}",
        List<object?> l => $"a list of {l.Count}",
        PyDict => "a dict",
        PyGlobal g => Trim(g.ToString()),
        _ => o.GetType().Name,
    };
}
