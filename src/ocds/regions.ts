/**
 * Delivery places as ITL/NUTS codes with names. FTS publishes NUTS codes (`UKH25`, `UKC`,
 * `UK`); CF publishes names (`London`, `Yorkshire and the Humber`, `England`). Both become
 * `{code, name}`: a code is kept (ITL's `TL` prefix read as NUTS's `UK`) and named from the
 * table below (the UK's NUTS 2021 levels 1–3, the same areas as ITL 2021), or from its
 * nearest named parent for codes of older NUTS versions; a name is mapped to its code where
 * one exists, else kept as published with `code: null`.
 *
 * @example
 * ```ts
 * import { normaliseRegion } from "./regions.ts";
 * normaliseRegion("UKH25"); // { code: "UKH25", name: "Central Bedfordshire" }
 * normaliseRegion("Yorkshire and the Humber"); // { code: "UKE", name: "Yorkshire and the Humber" }
 * normaliseRegion("England"); // { code: null, name: "England" }
 * ```
 * @module
 */
import type { DeliveryRegion } from "./documents.ts";

/** Longest place name kept; longer text is cut (names are short; this is junk). */
const MAX_NAME = 200;

// NUTS 2021 (= ITL 2021 areas): country, level 1, level 2, then level 3, one per line.
const TABLE = `UK United Kingdom
UKC North East
UKD North West
UKE Yorkshire and the Humber
UKF East Midlands
UKG West Midlands
UKH East of England
UKI London
UKJ South East
UKK South West
UKL Wales
UKM Scotland
UKN Northern Ireland
UKC1 Tees Valley and Durham
UKC2 Northumberland and Tyne and Wear
UKD1 Cumbria
UKD3 Greater Manchester
UKD4 Lancashire
UKD6 Cheshire
UKD7 Merseyside
UKE1 East Yorkshire and Northern Lincolnshire
UKE2 North Yorkshire
UKE3 South Yorkshire
UKE4 West Yorkshire
UKF1 Derbyshire and Nottinghamshire
UKF2 Leicestershire, Rutland and Northamptonshire
UKF3 Lincolnshire
UKG1 Herefordshire, Worcestershire and Warwickshire
UKG2 Shropshire and Staffordshire
UKG3 West Midlands
UKH1 East Anglia
UKH2 Bedfordshire and Hertfordshire
UKH3 Essex
UKI3 Inner London - West
UKI4 Inner London - East
UKI5 Outer London - East and North East
UKI6 Outer London - South
UKI7 Outer London - West and North West
UKJ1 Berkshire, Buckinghamshire and Oxfordshire
UKJ2 Surrey, East and West Sussex
UKJ3 Hampshire and Isle of Wight
UKJ4 Kent
UKK1 Gloucestershire, Wiltshire and Bristol/Bath area
UKK2 Dorset and Somerset
UKK3 Cornwall and Isles of Scilly
UKK4 Devon
UKL1 West Wales and the Valleys
UKL2 East Wales
UKM5 North Eastern Scotland
UKM6 Highlands and Islands
UKM7 Eastern Scotland
UKM8 West Central Scotland
UKM9 Southern Scotland
UKN0 Northern Ireland
UKC11 Hartlepool and Stockton-on-Tees
UKC12 South Teesside
UKC13 Darlington
UKC14 Durham CC
UKC21 Northumberland
UKC22 Tyneside
UKC23 Sunderland
UKD11 West Cumbria
UKD12 East Cumbria
UKD33 Manchester
UKD34 Greater Manchester South West
UKD35 Greater Manchester South East
UKD36 Greater Manchester North West
UKD37 Greater Manchester North East
UKD41 Blackburn with Darwen
UKD42 Blackpool
UKD44 Lancaster and Wyre
UKD45 Mid Lancashire
UKD46 East Lancashire
UKD47 Chorley and West Lancashire
UKD61 Warrington
UKD62 Cheshire East
UKD63 Cheshire West and Chester
UKD71 East Merseyside
UKD72 Liverpool
UKD73 Sefton
UKD74 Wirral
UKE11 Kingston upon Hull, City of
UKE12 East Riding of Yorkshire
UKE13 North and North East Lincolnshire
UKE21 York
UKE22 North Yorkshire CC
UKE31 Barnsley, Doncaster and Rotherham
UKE32 Sheffield
UKE41 Bradford
UKE42 Leeds
UKE44 Calderdale and Kirklees
UKE45 Wakefield
UKF11 Derby
UKF12 East Derbyshire
UKF13 South and West Derbyshire
UKF14 Nottingham
UKF15 North Nottinghamshire
UKF16 South Nottinghamshire
UKF21 Leicester
UKF22 Leicestershire CC and Rutland
UKF24 West Northamptonshire
UKF25 North Northamptonshire
UKF30 Lincolnshire
UKG11 Herefordshire, County of
UKG12 Worcestershire
UKG13 Warwickshire
UKG21 Telford and Wrekin
UKG22 Shropshire CC
UKG23 Stoke-on-Trent
UKG24 Staffordshire CC
UKG31 Birmingham
UKG32 Solihull
UKG33 Coventry
UKG36 Dudley
UKG37 Sandwell
UKG38 Walsall
UKG39 Wolverhampton
UKH11 Peterborough
UKH12 Cambridgeshire CC
UKH14 Suffolk
UKH15 Norwich and East Norfolk
UKH16 North and West Norfolk
UKH17 Breckland and South Norfolk
UKH21 Luton
UKH23 Hertfordshire
UKH24 Bedford
UKH25 Central Bedfordshire
UKH31 Southend-on-Sea
UKH32 Thurrock
UKH34 Essex Haven Gateway
UKH35 West Essex
UKH36 Heart of Essex
UKH37 Essex Thames Gateway
UKI31 Camden and City of London
UKI32 Westminster
UKI33 Kensington & Chelsea and Hammersmith & Fulham
UKI34 Wandsworth
UKI41 Hackney and Newham
UKI42 Tower Hamlets
UKI43 Haringey and Islington
UKI44 Lewisham and Southwark
UKI45 Lambeth
UKI51 Bexley and Greenwich
UKI52 Barking & Dagenham and Havering
UKI53 Redbridge and Waltham Forest
UKI54 Enfield
UKI61 Bromley
UKI62 Croydon
UKI63 Merton, Kingston upon Thames and Sutton
UKI71 Barnet
UKI72 Brent
UKI73 Ealing
UKI74 Harrow and Hillingdon
UKI75 Hounslow and Richmond upon Thames
UKJ11 Berkshire
UKJ12 Milton Keynes
UKJ13 Buckinghamshire CC
UKJ14 Oxfordshire
UKJ21 Brighton and Hove
UKJ22 East Sussex CC
UKJ25 West Surrey
UKJ26 East Surrey
UKJ27 West Sussex (South West)
UKJ28 West Sussex (North East)
UKJ31 Portsmouth
UKJ32 Southampton
UKJ34 Isle of Wight
UKJ35 South Hampshire
UKJ36 Central Hampshire
UKJ37 North Hampshire
UKJ41 Medway
UKJ43 Kent Thames Gateway
UKJ44 East Kent
UKJ45 Mid Kent
UKJ46 West Kent
UKK11 Bristol, City of
UKK12 Bath and North East Somerset, North Somerset and South Gloucestershire
UKK13 Gloucestershire
UKK14 Swindon
UKK15 Wiltshire CC
UKK23 Somerset
UKK24 Bournemouth, Christchurch and Poole
UKK25 Dorset
UKK30 Cornwall and Isles of Scilly
UKK41 Plymouth
UKK42 Torbay
UKK43 Devon CC
UKL11 Isle of Anglesey
UKL12 Gwynedd
UKL13 Conwy and Denbighshire
UKL14 South West Wales
UKL15 Central Valleys
UKL16 Gwent Valleys
UKL17 Bridgend and Neath Port Talbot
UKL18 Swansea
UKL21 Monmouthshire and Newport
UKL22 Cardiff and Vale of Glamorgan
UKL23 Flintshire and Wrexham
UKL24 Powys
UKM50 Aberdeen City and Aberdeenshire
UKM61 Caithness & Sutherland and Ross & Cromarty
UKM62 Inverness & Nairn and Moray, Badenoch & Strathspey
UKM63 Lochaber, Skye & Lochalsh, Arran & Cumbrae and Argyll & Bute
UKM64 Na h-Eileanan Siar (Western Isles)
UKM65 Orkney Islands
UKM66 Shetland Islands
UKM71 Angus and Dundee City
UKM72 Clackmannanshire and Fife
UKM73 East Lothian and Midlothian
UKM75 Edinburgh, City of
UKM76 Falkirk
UKM77 Perth & Kinross and Stirling
UKM78 West Lothian
UKM81 East Dunbartonshire, West Dunbartonshire and Helensburgh & Lomond
UKM82 Glasgow City
UKM83 Inverclyde, East Renfrewshire and Renfrewshire
UKM84 North Lanarkshire
UKM91 Scottish Borders
UKM92 Dumfries & Galloway
UKM93 East Ayrshire and North Ayrshire mainland
UKM94 South Ayrshire
UKM95 South Lanarkshire
UKN06 Belfast
UKN07 Armagh City, Banbridge and Craigavon
UKN08 Newry, Mourne and Down
UKN09 Ards and North Down
UKN0A Derry City and Strabane
UKN0B Mid Ulster
UKN0C Causeway Coast and Glens
UKN0D Antrim and Newtownabbey
UKN0E Lisburn and Castlereagh
UKN0F Mid and East Antrim
UKN0G Fermanagh and Omagh
`;

/** Spellings seen in CF and in prose that name a coded area differently. */
const ALIASES: readonly (readonly [string, string])[] = [
  ["yorkshire and humber", "UKE"],
  ["yorkshire & the humber", "UKE"],
  ["east of england", "UKH"],
  ["eastern", "UKH"],
  ["greater london", "UKI"],
  ["north east england", "UKC"],
  ["north west england", "UKD"],
  ["south east england", "UKJ"],
  ["south west england", "UKK"],
  ["uk", "UK"],
  ["gb", "UK"],
];

const NAME_OF_CODE: ReadonlyMap<string, string> = new Map(
  TABLE.trim().split("\n").map((line) => {
    const space = line.indexOf(" ");
    return [line.slice(0, space), line.slice(space + 1)] as const;
  }),
);

// Names as CF writes them → codes. Level-1 names first, so a name shared by two levels
// (West Midlands, Lincolnshire, Northern Ireland) reads as the larger area.
const CODE_OF_NAME: ReadonlyMap<string, string> = (() => {
  const byName = new Map<string, string>();
  for (const [code, name] of NAME_OF_CODE) {
    const key = name.toLowerCase();
    if (!byName.has(key)) byName.set(key, code);
  }
  for (const [alias, code] of ALIASES) byName.set(alias, code);
  return byName;
})();

// `UK`, then optionally a level-1 letter, a level-2 digit and a level-3 digit or letter
// (Northern Ireland's level-3 codes run UKN06…UKN0G). `TL` is ITL's spelling of `UK`.
const CODE = /^(?:UK|TL)(?:[C-N](?:[0-9](?:[0-9A-G])?)?)?$/;

/**
 * One published region (FTS code or CF name) as a {@linkcode DeliveryRegion}, or
 * `undefined` for empty text.
 *
 * @example
 * ```ts
 * import { normaliseRegion } from "./regions.ts";
 * normaliseRegion("TLI"); // { code: "UKI", name: "London" }
 * normaliseRegion("UKM21"); // { code: "UKM21", name: "Scotland" } (a NUTS 2013 code)
 * ```
 */
export function normaliseRegion(raw: string): DeliveryRegion | undefined {
  const text = raw.trim();
  if (text === "") return undefined;
  if (text.length <= 5) {
    const upper = text.toUpperCase();
    if (CODE.test(upper)) {
      const code = `UK${upper.slice(2)}`;
      // A code from an older NUTS version takes the name of its nearest known parent.
      for (let n = code.length; n >= 2; n--) {
        const name = NAME_OF_CODE.get(code.slice(0, n));
        if (name !== undefined) return { code, name };
      }
    }
  }
  const name = text.length > MAX_NAME ? text.slice(0, MAX_NAME) : text;
  const code = CODE_OF_NAME.get(name.toLowerCase());
  return code === undefined ? { code: null, name } : { code, name: NAME_OF_CODE.get(code)! };
}
