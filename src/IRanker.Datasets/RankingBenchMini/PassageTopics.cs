namespace IRanker.Datasets;

/// <summary>The topics of the passage tasks: eight content words each, no word shared between topics.</summary>
internal static class PassageTopics
{
    public static IReadOnlyList<string[]> All { get; } =
    [
        ["volcano", "lava", "eruption", "magma", "crater", "ash", "basalt", "tectonic"],
        ["coffee", "caffeine", "espresso", "bean", "roast", "brewing", "arabica", "grinder"],
        ["puppy", "dog", "leash", "obedience", "breed", "kennel", "veterinarian", "fetch"],
        ["bread", "yeast", "dough", "flour", "oven", "loaf", "knead", "sourdough"],
        ["solar", "panel", "inverter", "battery", "sunlight", "photovoltaic", "rooftop", "wattage"],
        ["diabetes", "insulin", "glucose", "pancreas", "sugar", "diet", "blood", "injection"],
        ["tax", "refund", "deduction", "income", "filing", "audit", "payroll", "bracket"],
        ["moon", "orbit", "tide", "lunar", "eclipse", "phase", "astronaut", "gravity"],
        ["guitar", "chord", "string", "fret", "amplifier", "strum", "tuning", "pick"],
        ["vaccine", "immune", "antibody", "dose", "virus", "booster", "clinic", "infection"],
        ["mortgage", "loan", "interest", "lender", "deposit", "equity", "rate", "property"],
        ["shark", "reef", "fin", "predator", "teeth", "whale", "coral", "plankton"],
        ["rome", "empire", "caesar", "senate", "legion", "colosseum", "emperor", "republic"],
        ["sleep", "insomnia", "melatonin", "nap", "dream", "bedtime", "snoring", "fatigue"],
        ["recycling", "plastic", "waste", "landfill", "compost", "glass", "bin", "aluminum"],
        ["chess", "pawn", "bishop", "knight", "checkmate", "opening", "rook", "grandmaster"],
        ["hurricane", "storm", "wind", "rainfall", "forecast", "landfall", "surge", "evacuation"],
        ["printer", "ink", "cartridge", "paper", "toner", "scanner", "jam", "wireless"],
        ["marathon", "runner", "mileage", "pace", "sneakers", "hydration", "stride", "endurance"],
        ["pyramid", "pharaoh", "egypt", "tomb", "nile", "mummy", "giza", "hieroglyph"],
        ["vitamin", "deficiency", "supplement", "calcium", "iron", "zinc", "mineral", "nutrient"],
        ["rainforest", "canopy", "jaguar", "species", "humidity", "amazon", "deforestation", "orchid"],
        ["password", "encryption", "hacker", "login", "firewall", "malware", "phishing", "account"],
        ["cheese", "milk", "cheddar", "rennet", "aging", "mozzarella", "dairy", "curd"],
        ["earthquake", "fault", "seismic", "magnitude", "richter", "aftershock", "epicenter", "quake"],
        ["bee", "honey", "hive", "pollen", "queen", "nectar", "colony", "wax"],
        ["router", "wifi", "signal", "bandwidth", "modem", "network", "ethernet", "antenna"],
        ["tomato", "garden", "soil", "seedling", "fertilizer", "harvest", "vine", "watering"],
        ["passport", "visa", "embassy", "border", "customs", "travel", "renewal", "application"],
        ["piano", "keyboard", "pedal", "sonata", "pianist", "octave", "melody", "scales"],
    ];
}
