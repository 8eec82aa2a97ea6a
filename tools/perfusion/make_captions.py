#!/usr/bin/env python3
"""Writes Likeness's default caption corpus for the Perfusion covariance (C^-1).

The captions are generated from the word lists and templates below with a fixed seed, so the file is
reproducible: python3 tools/perfusion/make_captions.py > src/main/resources/dev/likeness/methods/perfusion/captions.txt
The first 6,000 are everyday captions; the last 2,000 name art movements, media and artists (the words users add to
prompts), so that C has variance along them and the Perfusion gate does not mistake a style for the concept.
Nothing here comes from a dataset. A larger corpus can be given to `likeness perfusion covariance --captions`.
"""
import random

SEED = 20240611
COUNT = 6000
ART_SEED = 20261206
ART_COUNT = 2000  # captions naming art styles, movements, media and artists, after the everyday ones

PEOPLE = ["man", "woman", "child", "boy", "girl", "old man", "old woman", "teenager", "baby", "couple",
          "family", "chef", "farmer", "doctor", "nurse", "firefighter", "police officer", "student", "teacher",
          "musician", "guitarist", "painter", "dancer", "runner", "cyclist", "skateboarder", "surfer", "climber",
          "fisherman", "soldier", "bride", "groom", "businessman", "tourist", "photographer", "baker",
          "mechanic", "carpenter", "gardener", "astronaut", "knight", "wizard", "pirate", "cowboy", "queen",
          "king", "athlete", "swimmer", "hiker", "street vendor"]
ANIMALS = ["dog", "puppy", "cat", "kitten", "horse", "cow", "sheep", "goat", "pig", "chicken", "duck",
           "goose", "rabbit", "hamster", "parrot", "owl", "eagle", "hawk", "pigeon", "seagull", "swan",
           "fox", "wolf", "bear", "deer", "moose", "squirrel", "raccoon", "elephant", "giraffe", "zebra",
           "lion", "tiger", "leopard", "monkey", "gorilla", "panda", "koala", "kangaroo", "camel", "turtle",
           "frog", "lizard", "snake", "crocodile", "dolphin", "whale", "shark", "octopus", "goldfish",
           "butterfly", "bee", "ladybug", "spider", "teddy bear"]
OBJECTS = ["car", "bicycle", "motorcycle", "bus", "train", "truck", "boat", "sailboat", "airplane",
           "helicopter", "tractor", "chair", "table", "sofa", "bed", "lamp", "clock", "vase", "teapot", "cup",
           "mug", "bowl", "plate", "bottle", "glass", "book", "notebook", "pencil", "backpack", "suitcase",
           "umbrella", "hat", "shoe", "sneaker", "boot", "jacket", "dress", "scarf", "watch", "necklace",
           "ring", "guitar", "piano", "violin", "drum", "camera", "laptop", "phone", "television", "radio",
           "robot", "toy car", "doll", "ball", "kite", "candle", "mirror", "basket", "bench", "fountain",
           "lighthouse", "windmill", "bridge", "castle", "church", "tower", "cabin", "tent", "barn",
           "house", "skyscraper", "statue", "sculpture", "painting", "rug", "pillow", "blanket", "mailbox",
           "street lamp", "traffic light", "fire hydrant", "bench", "wheelbarrow", "lantern", "key", "sword",
           "shield", "crown", "globe", "map", "pumpkin", "cake", "pizza", "sandwich", "burger", "salad",
           "bowl of soup", "loaf of bread", "basket of apples", "bunch of bananas", "cup of coffee",
           "glass of wine", "plate of pasta", "ice cream cone", "donut", "croissant"]
PLANTS = ["tree", "oak tree", "pine tree", "palm tree", "cherry tree", "sunflower", "rose", "tulip",
          "daisy", "cactus", "fern", "bamboo", "mushroom", "potted plant", "bouquet of flowers", "vine"]
COLORS = ["red", "blue", "green", "yellow", "orange", "purple", "pink", "white", "black", "brown", "gray",
          "golden", "silver", "turquoise", "beige", "dark", "pale", "bright"]
ADJECTIVES = ["small", "large", "tiny", "huge", "old", "new", "shiny", "rusty", "wooden", "metal", "plastic",
              "glass", "ceramic", "fluffy", "wet", "dusty", "broken", "antique", "modern", "vintage",
              "colorful", "striped", "spotted", "happy", "sleepy", "curious", "lonely", "elegant", "cozy",
              "abandoned", "clean", "dirty", "handmade", "beautiful", "strange", "cute", "tall", "short"]
PLACES = ["on a beach", "in a forest", "in a park", "on a busy street", "in a kitchen", "in a living room",
          "in a bedroom", "in an office", "in a classroom", "in a library", "at a train station",
          "at an airport", "in a garden", "on a farm", "in a field of wheat", "on a mountain top",
          "by a lake", "by a river", "in the snow", "in the desert", "in a jungle", "under water",
          "in a city square", "in a market", "in a cafe", "in a restaurant", "in a museum", "on a rooftop",
          "on a bridge", "in a parking lot", "in a subway car", "on a boat", "in a barn", "in a cave",
          "on a balcony", "in a bathroom", "in a garage", "at a playground", "on a tennis court",
          "in a stadium", "on a country road", "in a small village", "in a harbor", "on the moon",
          "in outer space", "in a greenhouse", "in a bakery", "at a wedding", "at a birthday party",
          "in front of a brick wall", "on a wooden table", "on a windowsill", "on a shelf", "in a meadow",
          "next to a fireplace", "in a hallway", "on a sidewalk", "in an alley", "at the zoo", "in a church"]
TIMES = ["at sunset", "at sunrise", "at night", "in the morning", "at noon", "in the rain", "in the fog",
         "during a storm", "in winter", "in autumn", "in spring", "in summer", "under a full moon",
         "on a cloudy day", "on a sunny afternoon", "at dusk", "in golden light", "under neon lights"]
PERSON_ACTIONS = ["walking", "running", "sitting", "standing", "reading a book", "drinking coffee",
                  "eating lunch", "talking on the phone", "taking a photo", "playing the guitar",
                  "riding a bicycle", "holding an umbrella", "carrying a bag", "looking at the camera",
                  "laughing", "smiling", "sleeping", "cooking dinner", "painting a picture", "dancing",
                  "waiting for a bus", "writing in a notebook", "feeding the birds", "walking a dog",
                  "playing chess", "fixing a car", "watering plants", "jumping", "waving", "singing",
                  "climbing a wall", "working on a laptop", "shopping for vegetables", "flying a kite"]
ANIMAL_ACTIONS = ["sitting", "sleeping", "running", "playing", "eating", "drinking water", "lying down",
                  "looking up", "jumping", "swimming", "yawning", "hiding", "standing still", "resting",
                  "chasing a ball", "looking out of a window", "curled up", "walking slowly"]
STYLES = ["a photo of", "a photograph of", "a close-up photo of", "a blurry photo of", "a black and white photo of",
          "a snapshot of", "a picture of", "an image of", "a painting of", "an oil painting of",
          "a watercolor painting of", "a pencil sketch of", "a drawing of", "a cartoon of", "an illustration of",
          "a 3d render of", "a digital painting of", "a poster of", "a vintage photo of", "a postcard of",
          "a low angle shot of", "an aerial view of", "a portrait of", "a still life of", "a sculpture of",
          "a mosaic of", "a child's drawing of", "an embroidered picture of", "a stained glass window of",
          "a comic panel of", "a woodcut print of", "a charcoal drawing of", "a polaroid of"]
SCENES = ["a quiet beach", "a forest path", "a city street", "a country road", "a mountain valley", "a small harbor",
          "a snowy village", "a sunny meadow", "a crowded market", "an empty parking lot", "a cozy kitchen",
          "a messy desk", "a rooftop terrace", "a desert road", "a rainy window", "a garden path", "a view"]
ARTICLES = ["a", "the", "one", "two", "three", "some", "several", "many"]
PLURAL_IRREGULAR = {"man": "men", "woman": "women", "child": "children", "old man": "old men",
                    "old woman": "old women", "sheep": "sheep", "goose": "geese", "fish": "fish",
                    "deer": "deer", "moose": "moose", "mouse": "mice", "police officer": "police officers",
                    "fisherman": "fishermen", "businessman": "businessmen", "family": "families",
                    "puppy": "puppies", "butterfly": "butterflies", "ladybug": "ladybugs", "baby": "babies",
                    "cherry tree": "cherry trees", "bus": "buses", "glass": "glasses", "bench": "benches",
                    "church": "churches", "sandwich": "sandwiches", "cactus": "cacti", "knife": "knives",
                    "wolf": "wolves", "bowl of soup": "bowls of soup", "loaf of bread": "loaves of bread",
                    "cup of coffee": "cups of coffee", "glass of wine": "glasses of wine",
                    "plate of pasta": "plates of pasta", "bunch of bananas": "bunches of bananas",
                    "basket of apples": "baskets of apples", "bouquet of flowers": "bouquets of flowers",
                    "ice cream cone": "ice cream cones", "watch": "watches", "dress": "dresses",
                    "box": "boxes", "strawberry": "strawberries", "teddy bear": "teddy bears",
                    "couple": "couples", "tomato": "tomatoes", "potato": "potatoes"}


def plural(noun):
    if noun in PLURAL_IRREGULAR:
        return PLURAL_IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def article(word):
    return "an" if word[0] in "aeiou" else "a"


def noun_phrase(rng, noun, allow_plural=True):
    det = rng.choice(ARTICLES) if allow_plural else "a"
    mods = []
    r = rng.random()
    if r < 0.35:
        mods.append(rng.choice(ADJECTIVES))
    elif r < 0.6:
        mods.append(rng.choice(COLORS))
    elif r < 0.7:
        mods += [rng.choice(ADJECTIVES), rng.choice(COLORS)]
    words = " ".join(mods + [noun])
    if det in ("a", "one"):
        return (article(words) if det == "a" else "one") + " " + words
    if det == "the":
        return "the " + words
    return det + " " + " ".join(mods + [plural(noun)])


def caption(rng):
    kind = rng.random()
    if kind < 0.25:
        subject = noun_phrase(rng, rng.choice(PEOPLE))
        text = f"{subject} {rng.choice(PERSON_ACTIONS)} {rng.choice(PLACES)}"
    elif kind < 0.45:
        subject = noun_phrase(rng, rng.choice(ANIMALS))
        text = f"{subject} {rng.choice(ANIMAL_ACTIONS)} {rng.choice(PLACES)}"
    elif kind < 0.65:
        text = f"{noun_phrase(rng, rng.choice(OBJECTS))} {rng.choice(PLACES)}"
    elif kind < 0.72:
        text = f"{noun_phrase(rng, rng.choice(PLANTS))} {rng.choice(PLACES)}"
    elif kind < 0.82:
        a = noun_phrase(rng, rng.choice(PEOPLE + ANIMALS), allow_plural=False)
        b = noun_phrase(rng, rng.choice(OBJECTS + ANIMALS), allow_plural=False)
        text = f"{a} next to {b}"
    elif kind < 0.9:
        text = f"{noun_phrase(rng, rng.choice(OBJECTS))} and {noun_phrase(rng, rng.choice(OBJECTS))} on a table"
    else:
        text = f"{rng.choice(SCENES)} with {noun_phrase(rng, rng.choice(PLANTS + OBJECTS))}"
    if rng.random() < 0.4:
        text = f"{text} {rng.choice(TIMES)}"
    if rng.random() < 0.45:
        text = f"{rng.choice(STYLES)} {text}"
    return text


# Words users put in prompts that everyday captions lack: without them C has little variance along their encodings,
# C^-1 magnifies those directions and the Perfusion gate may fire on a style word as if it were the concept.
MOVEMENTS = ["impressionism", "expressionism", "cubism", "surrealism", "art nouveau", "art deco", "baroque",
             "renaissance", "rococo", "romanticism", "pop art", "minimalism", "pointillism", "fauvism",
             "ukiyo-e", "bauhaus", "futurism", "dadaism", "realism", "abstract expressionism", "gothic",
             "cyberpunk", "steampunk", "vaporwave", "synthwave", "low poly", "pixel art", "anime", "manga",
             "studio ghibli", "film noir", "gouache", "art brut", "cel shading", "photorealism", "lowbrow",
             "psychedelic art", "folk art", "chinese ink painting", "byzantine icon"]
ARTISTS = ["vincent van gogh", "claude monet", "pablo picasso", "salvador dali", "rembrandt",
           "leonardo da vinci", "michelangelo", "johannes vermeer", "frida kahlo", "gustav klimt",
           "edvard munch", "katsushika hokusai", "hiroshige", "henri matisse", "paul cezanne", "georges seurat",
           "wassily kandinsky", "piet mondrian", "andy warhol", "roy lichtenstein", "jackson pollock",
           "mark rothko", "rene magritte", "joan miro", "caravaggio", "sandro botticelli", "albrecht durer",
           "j m w turner", "john constable", "caspar david friedrich", "alphonse mucha", "egon schiele",
           "edward hopper", "georgia o'keeffe", "norman rockwell", "william blake", "hieronymus bosch",
           "diego velazquez", "francisco goya", "artemisia gentileschi", "amedeo modigliani", "marc chagall",
           "paul gauguin", "edgar degas", "pierre-auguste renoir", "mary cassatt", "tamara de lempicka",
           "yayoi kusama", "keith haring", "jean-michel basquiat", "beatrix potter", "arthur rackham",
           "moebius", "hayao miyazaki", "greg rutkowski", "thomas kinkade", "bob ross", "banksy"]
MEDIA = ["oil on canvas", "watercolor", "ink wash", "charcoal", "pastel", "acrylic", "linocut", "etching",
         "fresco", "tempera", "digital art", "concept art", "matte painting", "vector art", "collage",
         "screen print", "pencil on paper", "spray paint", "clay model", "paper cutout"]
QUALIFIERS = ["highly detailed", "trending on artstation", "award winning", "masterpiece", "soft lighting",
              "dramatic lighting", "cinematic", "4k", "sharp focus", "muted colors", "vivid colors", "intricate",
              "dreamy", "moody", "ornate", "minimal", "wide angle", "bokeh"]


def art_caption(rng):
    subject = noun_phrase(rng, rng.choice(PEOPLE + ANIMALS + OBJECTS + PLANTS))
    kind = rng.random()
    if kind < 0.3:
        text = f"{subject} in the style of {rng.choice(ARTISTS)}"
    elif kind < 0.5:
        text = f"{subject}, painting by {rng.choice(ARTISTS)}"
    elif kind < 0.75:
        movement = rng.choice(MOVEMENTS)
        text = f"{article(movement)} {movement} picture of {subject}"
    elif kind < 0.9:
        text = f"{subject} {rng.choice(PLACES)}, {rng.choice(MEDIA)}"
    else:
        text = f"{rng.choice(MOVEMENTS)} {rng.choice(MEDIA)} of {subject} by {rng.choice(ARTISTS)}"
    if rng.random() < 0.5:
        text = f"{text}, {rng.choice(QUALIFIERS)}"
    return text


def generate(rng, make, count, seen):
    out = []
    while len(out) < count:
        c = make(rng)
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def main():
    seen = set()
    out = generate(random.Random(SEED), caption, COUNT, seen)
    out += generate(random.Random(ART_SEED), art_caption, ART_COUNT, seen)
    print("\n".join(out))


if __name__ == "__main__":
    main()
