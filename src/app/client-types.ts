/** Plain command shapes for client data; the HTTP/CLI boundary validates into these. */
export type LegalEntityInput = {
  name: string;
  legalForm?: string | null;
  inn?: string | null;
  kpp?: string | null;
  ogrn?: string | null;
};
export type BrandInput = { name: string };
export type ContactInput = {
  name: string;
  position?: string | null;
  isDecisionMaker?: boolean;
  phones?: string[];
  emails?: string[];
  doNotContact?: boolean;
};
export type AddressInput = {
  kind: 'hq' | 'branch' | 'store' | 'other';
  address: string;
  city?: string | null;
};

export type ClientPartKind = 'legalEntities' | 'brands' | 'contacts' | 'addresses';
export type ClientPartInput = {
  legalEntities: LegalEntityInput;
  brands: BrandInput;
  contacts: ContactInput;
  addresses: AddressInput;
};
